# Geiriau Resettle yn Gymraeg. Mae gan bob neges yma ei gefell Saesneg yn ../en/resettle.ftl
# (mae prawf yn methu fel arall); mae'r termau a ddewiswyd yn ../GLOSSARY.md.

## Ffrâm pob tudalen

service-name = Resettle
title-error-prefix = Gwall:
skip-link = Neidio i'r prif gynnwys
service-information = Gwybodaeth am y gwasanaeth
menu = Dewislen
your-account = Eich cyfrif
signed-in-as = Wedi mewngofnodi fel { $name }
notifications = Hysbysiadau
your-sessions = Eich sesiynau
find-a-child-search = Chwilio eich llwyth achosion
find-a-child-hint = Enw, dyddiad geni, rhif GIG neu ID PNC
search-button = Chwilio
sign-out = Allgofnodi
phase-tag = Beta
phase-text = Mae data demo a phrawf yn synthetig: peidiwch byth â rhoi manylion plentyn go iawn yma.
in-this-section = Yn yr adran hon
support-links = Dolenni cymorth
footer-accessibility = Datganiad hygyrchedd
footer-privacy = Preifatrwydd
footer-cookies = Cwcis
footer-about = Resettle: un cynllun a rennir ar gyfer pob plentyn sy'n gadael y ddalfa, o'r ddedfryd hyd at flwyddyn ar ôl ei ryddhau.
language-switch = Dewis iaith
language-switch-to = Newid yr iaith i

## Llywio

nav-section-caseload = Llwyth achosion
nav-caseload = Fy llwyth achosion
nav-appointments = Apwyntiadau
nav-actions = Fy nghamau gweithredu
nav-add-child = Ychwanegu plentyn
nav-section-handovers = Trosglwyddiadau
nav-handovers = Yn aros amdanaf i
nav-handovers-sent = Anfonwyd gennyf i
nav-section-readiness = Parodrwydd
nav-readiness = Parodrwydd i'w ryddhau
nav-gaps = Bylchau parodrwydd
nav-meetings = Cyfarfodydd i fynd ar eu trywydd
nav-section-emergency = Mynediad brys
nav-break-glass = Adroddiad mynediad brys
nav-find-child = Dod o hyd i blentyn
nav-figures = Ffigurau
nav-outcomes = Canlyniadau
nav-subject-access = Ceisiadau am fynediad at ddata
nav-section-subject-access = Mynediad at ddata
nav-users = Defnyddwyr
nav-organisations = Sefydliadau
nav-bank-holidays = Gwyliau banc
nav-section-figures = Ffigurau
nav-section-outcomes = Canlyniadau
nav-section-users = Defnyddwyr
nav-section-organisations = Sefydliadau

## Ffurflenni

error-summary-title = Mae problem wedi codi
error-prefix = Gwall:

## Mewngofnodi

sign-in-title = Mewngofnodi
sign-in-heading = Mewngofnodi i Resettle
sign-in-warning = Mae Resettle yn cadw gwybodaeth bersonol ac iechyd am blant. Dim ond os ydych yn gweithio gyda'r plant hyn y dylech fewngofnodi, ac allgofnodwch pan fyddwch wedi gorffen.
email-address = Cyfeiriad e-bost
password = Cyfrinair
sign-in-button = Mewngofnodi

## Dyddiadau ac amseroedd

month-1 = Ionawr
month-2 = Chwefror
month-3 = Mawrth
month-4 = Ebrill
month-5 = Mai
month-6 = Mehefin
month-7 = Gorffennaf
month-8 = Awst
month-9 = Medi
month-10 = Hydref
month-11 = Tachwedd
month-12 = Rhagfyr
date-long = { $day } { $month } { $year }
date-at-time = { $date } am { $time }
days-late =
    { $count ->
        [one] { $count } diwrnod yn hwyr
        [two] { $count } ddiwrnod yn hwyr
       *[other] { $count } diwrnod yn hwyr
    }
