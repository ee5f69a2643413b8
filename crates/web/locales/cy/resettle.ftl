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

## Fy nghynllun: wedi'i ysgrifennu ar gyfer y plentyn, yn ei iaith

myplan-title = Fy nghynllun
myplan-page-title = Fy nghynllun – { $name }
myplan-back = Yn ôl i'r cynllun
myplan-intro = Dyma eich cynllun ar gyfer gadael y ddalfa, { $name }. Mae'n dweud ble byddwch chi'n byw, beth fyddwch chi'n ei wneud, a phwy fydd yn eich helpu.
myplan-print = I roi copi papur, defnyddiwch orchymyn argraffu eich porwr. Mae'r dudalen yn argraffu heb y dewislenni.
myplan-leaving-heading = Y diwrnod y byddaf yn gadael
myplan-leaving-on = Diwrnod
myplan-leaving-not-fixed = Heb ei bennu eto
myplan-gate = Pwy fydd yn cwrdd â fi
myplan-transport = Sut y byddaf yn cyrraedd
myplan-not-yet = Heb ei drefnu eto: mae eich rheolwr achos yn gweithio arno
myplan-live-heading = Ble byddaf yn byw
myplan-appointment-heading = Fy apwyntiad cyntaf
myplan-when = Pryd
myplan-where = Ble
myplan-with = Gyda phwy
myplan-ete-heading = Ysgol, coleg, hyfforddiant neu waith
myplan-starts = Yn dechrau
myplan-gp-heading = Fy meddyg teulu
myplan-call-heading = Pwy i'w ffonio os aiff rhywbeth o'i le
myplan-call-emergency = Os ydych chi mewn perygl, ffoniwch 999.
myplan-no-phone = Dim rhif ffôn wedi'i gofnodi
myplan-goals-heading = Beth ddywedais i fy mod i eisiau
myplan-steps-heading = Beth fyddwn ni'n ei drefnu
myplan-nothing = Does dim byd ar eich cynllun eto. Byddwn yn ei lunio gyda chi.
myplan-withheld = Bydd eich gweithiwr iechyd yn siarad â chi am hyn
myplan-something-else = Rhywbeth arall
myplan-meetings-heading = Fy nghyfarfodydd
myplan-no-meetings = Does dim cyfarfodydd wedi'u trefnu eto. Bydd eich rheolwr achos yn dweud wrthych pan fyddant.
myplan-carers-heading = Beth ddywedodd fy nheulu neu fy ngofalwyr
status-plain-identified = Byddwn yn trefnu hyn
status-plain-in_progress = Rydym yn gweithio ar hyn
status-plain-met = Wedi'i drefnu
status-plain-declined = Rydych wedi dweud na i hyn
status-plain-not_required = Dim angen
pathway-plain-accommodation = Ble byddaf yn byw
pathway-plain-ete = Beth fyddaf yn ei wneud: ysgol, coleg, hyfforddiant neu waith
pathway-plain-constructive_activities = Pethau rwy'n eu mwynhau a phwy ydw i
pathway-plain-health = Fy iechyd
pathway-plain-substance_misuse = Cyffuriau ac alcohol
pathway-plain-families = Fy nheulu a'r bobl sy'n agos ataf
pathway-plain-finance_id = Arian, budd-daliadau a dogfennau adnabod
pathway-plain-safety = Cadw'n ddiogel
pathway-plain-victims = Unioni pethau
need-plain-accommodation_address = Lle i fyw wedi'i drefnu cyn i mi adael
need-plain-accommodation_la_assessment = Y cyngor yn gwirio ble gallaf fyw a pha help a gaf
need-plain-accommodation_family_return = Mynd adref at fy nheulu, gyda phawb wedi cytuno
need-plain-accommodation_supported = Lle i fyw gyda chymorth
need-plain-ete_school_place = Lle mewn ysgol neu goleg yn barod i mi
need-plain-ete_training = Hyfforddiant, prentisiaeth neu swydd
need-plain-ete_records_transfer = Mae fy nghofnodion ysgol yn mynd lle rwy'n mynd
need-plain-ete_send_assessment = Help gyda sut rwy'n dysgu
need-plain-activity_first_week = Rhywbeth da i'w wneud yn fy wythnos gyntaf
need-plain-identity_mentoring = Mentor i siarad am bethau gydag ef neu hi
need-plain-activity_sport_arts = Chwaraeon, cerddoriaeth, celf neu glwb rwy'n ei fwynhau
need-plain-health_gp_registration = Meddyg teulu yn agos at ble rwy'n byw
need-plain-health_mental_health = Rhywun i helpu gyda sut rwy'n teimlo
need-plain-health_medication = Mae fy meddyginiaeth yn parhau pan fyddaf yn gadael
need-plain-health_neurodisability = Help sy'n addas i sut mae fy ymennydd yn gweithio
need-plain-health_slc = Help gyda siarad a deall
need-plain-health_physical = Archwiliadau ar gyfer fy nghorff, fy nannedd neu fy llygaid
need-plain-substance_treatment = Mae help gyda chyffuriau neu alcohol yn parhau
need-plain-substance_harm_reduction = Cadw'n fwy diogel o gwmpas cyffuriau ac alcohol
need-plain-family_contact = Gweld a siarad â fy nheulu
need-plain-family_support = Help i fy nheulu hefyd
need-plain-family_relationships = Dod ymlaen yn well gyda'r bobl sy'n agos ataf
need-plain-id_documents = Fy nogfennau adnabod a fy nhystysgrif geni
need-plain-bank_account = Cyfrif banc
need-plain-benefits = Arian y mae gen i hawl iddo, yn barod pan fyddaf yn gadael
need-plain-safety_exploitation = Fy nghadw'n ddiogel rhag pobl sydd eisiau fy nefnyddio
need-plain-safety_plan = Cynllun ar gyfer cadw'n ddiogel
need-plain-safety_self_harm = Help pan fyddaf yn teimlo fel brifo fy hun
need-plain-victim_awareness = Meddwl am y bobl yr effeithiwyd arnynt
need-plain-restorative_justice = Unioni pethau, os ydw i a nhw eisiau gwneud hynny
meeting-remand_planning = Cyfarfod cynllunio ar remánd
meeting-initial_planning = Cyfarfod cynllunio cyntaf
meeting-review = Cyfarfod adolygu
meeting-pre_release = Cyfarfod cyn rhyddhau
meeting-release_day = Cyfarfod diwrnod rhyddhau
meeting-post_release_review = Adolygiad ar ôl rhyddhau
role-yjs_case_manager = Rheolwr achos, Gwasanaeth Cyfiawnder Ieuenctid
role-yjs_health_worker = Gweithiwr iechyd, Gwasanaeth Cyfiawnder Ieuenctid
role-yjs_manager = Rheolwr, Gwasanaeth Cyfiawnder Ieuenctid
role-secure_practitioner = Ymarferydd adsefydlu yn y ddalfa
role-secure_manager = Rheolwr y sefydliad diogel
role-custody_health = Gofal iechyd yn y ddalfa
role-accommodation_officer = Swyddog llety
role-social_worker = Gweithiwr cymdeithasol
role-ete_coordinator = Cydlynydd addysg, hyfforddiant a gwaith
role-strategic_lead = Arweinydd strategol
role-admin = Gweinyddwr
role-data_protection_officer = Swyddog diogelu data

## Datganiad hygyrchedd

a11y-title = Datganiad hygyrchedd
a11y-heading = Datganiad hygyrchedd ar gyfer Resettle
a11y-applies = Mae'r datganiad hwn yn berthnasol i Resettle, y cynllun adsefydlu a rennir a ddefnyddir gan wasanaethau cyfiawnder ieuenctid, sefydliadau diogel, staff iechyd, addysg a llety'r awdurdod lleol ar gyfer plant sy'n gadael y ddalfa.
a11y-want = Rydym am i gymaint o bobl â phosibl allu ei ddefnyddio. Dylech allu:
a11y-zoom = chwyddo hyd at 400% heb i'r testun ddisgyn oddi ar y sgrin
a11y-keyboard = symud drwy bob tudalen a ffurflen gyda bysellfwrdd yn unig
a11y-screen-reader = defnyddio pob tudalen gyda darllenydd sgrin, gan gynnwys NVDA, JAWS a VoiceOver
a11y-no-js = defnyddio pob tudalen graidd gyda JavaScript wedi'i ddiffodd
a11y-charts = darllen siartiau fel tablau: mae gan bob siart ei rifau mewn tabl wrth ei ochr
a11y-design-system = Mae'r tudalennau wedi'u hadeiladu gyda System Ddylunio GOV.UK a System Ddylunio'r Weinyddiaeth Gyfiawnder, y mae eu cydrannau'n cael eu profi gyda thechnolegau cynorthwyol.
a11y-how-heading = Pa mor hygyrch yw'r gwasanaeth hwn
a11y-how = Mae tudalennau'n cael eu gwirio'n awtomatig gydag axe ar bob newid yn erbyn Canllawiau Hygyrchedd Cynnwys y We (WCAG) 2.2 ar lefel AA, gyda JavaScript ymlaen ac i ffwrdd. Dim ond rhai problemau y mae gwiriadau awtomatig yn eu canfod. Rydym yn gwybod am y cyfyngiadau hyn:
a11y-limit-welsh = mae ffrâm pob tudalen, mewngofnodi, y datganiad hwn a "fy nghynllun" y plentyn yn Gymraeg ac yn Saesneg; mae'r tudalennau eraill yn Saesneg yn unig tra bo'u Cymraeg yn cael ei ysgrifennu
a11y-limit-tables = mae rhai tablau'n lletach na sgrin fach: maen nhw'n sgrolio i'r ochr yn eu blwch eu hunain, ac nid yw'r dudalen ei hun yn gwneud hynny
a11y-report-heading = Rhoi gwybod am broblemau hygyrchedd
a11y-report = Os dewch o hyd i broblem nad yw wedi'i rhestru yma, neu os oes angen gwybodaeth arnoch mewn fformat arall, rhowch wybod i weinyddwr Resettle eich gwasanaeth. Byddant yn ei throsglwyddo i'r tîm sy'n rhedeg Resettle, a fydd yn ateb o fewn 5 diwrnod gwaith.
a11y-enforcement-heading = Y weithdrefn orfodi
a11y-enforcement = Y Comisiwn Cydraddoldeb a Hawliau Dynol (EHRC) sy'n gyfrifol am orfodi Rheoliadau Hygyrchedd Cyrff Sector Cyhoeddus (Gwefannau a Rhaglenni Symudol) (Rhif 2) 2018. Os nad ydych yn hapus â'r ffordd rydym yn ymateb i'ch cwyn, cysylltwch â'r
a11y-eass = Gwasanaeth Cynghori a Chymorth Cydraddoldeb (EASS)
a11y-technical-heading = Gwybodaeth dechnegol am hygyrchedd y gwasanaeth hwn
a11y-technical = Rydym wedi ymrwymo i wneud Resettle yn hygyrch, yn unol â Rheoliadau Hygyrchedd Cyrff Sector Cyhoeddus (Gwefannau a Rhaglenni Symudol) (Rhif 2) 2018. Mae'n cydymffurfio'n rhannol â WCAG 2.2 AA oherwydd y cyfyngiadau a restrir uchod. Caiff y datganiad hwn ei adolygu gyda phob rhyddhad; mae'r gwiriadau awtomatig yn rhedeg ar bob newid.
