# Resettle's words in English. Every message here has its Welsh twin in ../cy/resettle.ftl
# (a test fails otherwise); the terms chosen are in ../GLOSSARY.md.

## The frame of every page

service-name = Resettle
title-error-prefix = Error:
skip-link = Skip to main content
service-information = Service information
menu = Menu
your-account = Your account
signed-in-as = Signed in as { $name }
notifications = Notifications
your-sessions = Your sessions
find-a-child-search = Search your caseload
find-a-child-hint = Name, date of birth, NHS number or PNC ID
search-button = Search
sign-out = Sign out
phase-tag = Beta
phase-text = Demo and test data is synthetic: never enter a real child's details here.
in-this-section = In this section
support-links = Support links
footer-accessibility = Accessibility statement
footer-privacy = Privacy
footer-cookies = Cookies
footer-about = Resettle: one shared plan for each child leaving custody, from sentence to a year after release.
language-switch = Choose a language
language-switch-to = Change the language to

## Navigation

nav-section-caseload = Caseload
nav-caseload = My caseload
nav-appointments = Appointments
nav-actions = My actions
nav-add-child = Add a child
nav-section-handovers = Handovers
nav-handovers = Waiting for me
nav-handovers-sent = Sent by me
nav-section-readiness = Readiness
nav-readiness = Release readiness
nav-gaps = Readiness gaps
nav-meetings = Meetings to chase
nav-section-emergency = Emergency access
nav-break-glass = Emergency access report
nav-find-child = Find a child
nav-figures = Figures
nav-outcomes = Outcomes
nav-subject-access = Subject access requests
nav-section-subject-access = Subject access
nav-users = Users
nav-organisations = Organisations
nav-bank-holidays = Bank holidays
nav-section-figures = Figures
nav-section-outcomes = Outcomes
nav-section-users = Users
nav-section-organisations = Organisations

## Forms

error-summary-title = There is a problem
error-prefix = Error:

## Signing in

sign-in-title = Sign in
sign-in-heading = Sign in to Resettle
sign-in-warning = Resettle holds children's personal and health information. Only sign in if you work with these children, and sign out when you finish.
email-address = Email address
password = Password
sign-in-button = Sign in

## Dates and times

month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
date-long = { $day } { $month } { $year }
date-at-time = { $date } at { $time }
days-late =
    { $count ->
        [one] { $count } day late
       *[other] { $count } days late
    }
