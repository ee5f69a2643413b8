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

## My plan: written for the child, in their language

myplan-title = My plan
myplan-page-title = My plan – { $name }
myplan-back = Back to the plan
myplan-intro = This is your plan for leaving custody, { $name }. It says where you will live, what you will do, and who will help you.
myplan-print = To give a paper copy, use your browser's print command. The page prints without the menus.
myplan-leaving-heading = The day I leave
myplan-leaving-on = Day
myplan-leaving-not-fixed = Not fixed yet
myplan-gate = Who meets me
myplan-transport = How I get there
myplan-not-yet = Not sorted yet: your case manager is working on it
myplan-live-heading = Where I will live
myplan-appointment-heading = My first appointment
myplan-when = When
myplan-where = Where
myplan-with = Who with
myplan-ete-heading = School, college, training or work
myplan-starts = Starts
myplan-gp-heading = My doctor (GP)
myplan-call-heading = Who to call if something goes wrong
myplan-call-emergency = If you are in danger, call 999.
myplan-no-phone = No phone number recorded
myplan-goals-heading = What I said I want
myplan-steps-heading = What we will sort out
myplan-nothing = Nothing is on your plan yet. We will work it out with you.
myplan-withheld = Your health worker will talk to you about this
myplan-something-else = Something else
myplan-meetings-heading = My meetings
myplan-no-meetings = No meetings are booked yet. Your case manager will tell you when they are.
myplan-carers-heading = What my family or carers said
status-plain-identified = We will sort this out
status-plain-in_progress = Being worked on
status-plain-met = Sorted
status-plain-declined = You said no to this
status-plain-not_required = Not needed
pathway-plain-accommodation = Where I will live
pathway-plain-ete = What I will do: school, college, training or work
pathway-plain-constructive_activities = Things I enjoy and who I am
pathway-plain-health = My health
pathway-plain-substance_misuse = Drugs and alcohol
pathway-plain-families = My family and people close to me
pathway-plain-finance_id = Money, benefits and ID
pathway-plain-safety = Staying safe
pathway-plain-victims = Putting things right
need-plain-accommodation_address = A place to live that is sorted before I leave
need-plain-accommodation_la_assessment = The council checks where I can live and what help I get
need-plain-accommodation_family_return = Going home to my family, with everyone agreed
need-plain-accommodation_supported = A supported place to live
need-plain-ete_school_place = A school or college place ready for me
need-plain-ete_training = Training, an apprenticeship or a job
need-plain-ete_records_transfer = My school records go where I go
need-plain-ete_send_assessment = Help with how I learn
need-plain-activity_first_week = Something good to do in my first week
need-plain-identity_mentoring = A mentor to talk things through with
need-plain-activity_sport_arts = Sport, music, art or a club I enjoy
need-plain-health_gp_registration = A doctor (GP) near where I live
need-plain-health_mental_health = Someone to help with how I feel
need-plain-health_medication = My medicine carries on when I leave
need-plain-health_neurodisability = Help that fits how my brain works
need-plain-health_slc = Help with talking and understanding
need-plain-health_physical = Check-ups for my body, teeth or eyes
need-plain-substance_treatment = Help with drugs or alcohol carries on
need-plain-substance_harm_reduction = Staying safer around drugs and alcohol
need-plain-family_contact = Seeing and talking to my family
need-plain-family_support = Help for my family too
need-plain-family_relationships = Getting on better with the people close to me
need-plain-id_documents = My ID and birth certificate
need-plain-bank_account = A bank account
need-plain-benefits = Money I am entitled to, ready when I leave
need-plain-safety_exploitation = Keeping me safe from people who want to use me
need-plain-safety_plan = A plan for staying safe
need-plain-safety_self_harm = Help when I feel like hurting myself
need-plain-victim_awareness = Thinking about the people affected
need-plain-restorative_justice = Putting things right, if I and they want to
meeting-remand_planning = Remand planning meeting
meeting-initial_planning = Initial planning meeting
meeting-review = Review meeting
meeting-pre_release = Pre-release meeting
meeting-release_day = Release day meeting
meeting-post_release_review = Post-release review
role-yjs_case_manager = Case manager, youth justice service
role-yjs_health_worker = Health worker, youth justice service
role-yjs_manager = Manager, youth justice service
role-secure_practitioner = Resettlement practitioner in custody
role-secure_manager = Manager of the secure establishment
role-custody_health = Health care in custody
role-accommodation_officer = Accommodation officer
role-social_worker = Social worker
role-ete_coordinator = Education, training and work coordinator
role-strategic_lead = Strategic lead
role-admin = Administrator
role-data_protection_officer = Data protection officer

## Accessibility statement

a11y-title = Accessibility statement
a11y-heading = Accessibility statement for Resettle
a11y-applies = This statement applies to Resettle, the shared resettlement plan used by youth justice services, secure establishments, health, education and local-authority accommodation staff for children leaving custody.
a11y-want = We want as many people as possible to be able to use it. You should be able to:
a11y-zoom = zoom in up to 400% without the text spilling off the screen
a11y-keyboard = move through every page and form with a keyboard alone
a11y-screen-reader = use every page with a screen reader, including NVDA, JAWS and VoiceOver
a11y-no-js = use every core page with JavaScript turned off
a11y-charts = read charts as tables: every chart has its numbers in a table beside it
a11y-design-system = The pages are built with the GOV.UK Design System and the Ministry of Justice Design System, whose components are tested with assistive technologies.
a11y-how-heading = How accessible this service is
a11y-how = Pages are checked automatically on each change against the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA with axe, with JavaScript on and off. Automated checks find only some problems. We know of these limits:
a11y-limit-welsh = the frame of every page, signing in, this statement and the child's "my plan" are in Welsh and English; the other pages are in English only while their Welsh is written
a11y-limit-tables = some tables are wider than a small screen: they scroll sideways inside their own box, and the page itself does not
a11y-report-heading = Reporting accessibility problems
a11y-report = If you find a problem not listed here, or need information in another format, tell your service's Resettle administrator. They will pass it to the team that runs Resettle, who will reply within 5 working days.
a11y-enforcement-heading = Enforcement procedure
a11y-enforcement = The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not happy with how we respond to your complaint, contact the
a11y-eass = Equality Advisory and Support Service (EASS)
a11y-technical-heading = Technical information about this service's accessibility
a11y-technical = We are committed to making Resettle accessible, in accordance with the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. It is partially compliant with WCAG 2.2 AA because of the limits listed above. This statement is reviewed with every release; the automated checks run on every change.
