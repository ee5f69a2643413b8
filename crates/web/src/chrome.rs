//! What the layout needs on every page, pages and error pages alike: the signed-in person, the
//! form token and the navigation their roles give them.

use resettle_domain::org::Role;
use resettle_domain::policy::{Action, decide};

use crate::i18n::Lang;
use crate::session::SignedIn;

/// What the layout needs on every page.
#[derive(Clone, Debug)]
pub struct Chrome {
    /// The signed-in person's name.
    pub user_name: Option<String>,
    /// The session's CSRF token, for the sign-out form and the page's own forms.
    pub csrf: String,
    /// Which navigation item is current.
    pub nav: &'static str,
    /// Shows the administration links.
    pub is_admin: bool,
    /// Shows the caseload link.
    pub works_with_children: bool,
    /// Shows "Add a child".
    pub can_add_child: bool,
    /// Shows the managers' lists.
    pub is_manager: bool,
    /// Shows "Find a child" (emergency access).
    pub can_find_child: bool,
    /// Shows the emergency access report.
    pub can_see_break_glass: bool,
    /// Shows the figures across organisations.
    pub can_see_figures: bool,
    /// Shows the cohort outcomes report.
    pub can_see_outcomes: bool,
    /// Shows the subject access requests.
    pub can_answer_subject_access: bool,
    /// Prefixes the title with "Error:".
    pub has_errors: bool,
    /// The inline body-class script (allowed by its hash in the CSP).
    pub body_script: &'static str,
    /// The language the page is in (the request's, see [`crate::i18n`]).
    pub lang: Lang,
}

impl Chrome {
    /// For pages shown to someone not signed in.
    pub fn anonymous() -> Self {
        Self {
            user_name: None,
            csrf: String::new(),
            nav: "",
            is_admin: false,
            works_with_children: false,
            can_add_child: false,
            is_manager: false,
            can_find_child: false,
            can_see_break_glass: false,
            can_see_figures: false,
            can_see_outcomes: false,
            can_answer_subject_access: false,
            has_errors: false,
            body_script: crate::security::BODY_SCRIPT,
            lang: crate::i18n::current(),
        }
    }

    /// For a signed-in person.
    pub fn for_user(who: &SignedIn, nav: &'static str) -> Self {
        Self::for_ctx(&who.ctx, &who.csrf, nav)
    }

    /// For the actor of `ctx`, with the session's form token.
    pub fn for_ctx(ctx: &resettle_app::Ctx, csrf: &str, nav: &'static str) -> Self {
        let a = &ctx.actor;
        Self {
            user_name: Some(a.name.clone()),
            csrf: crate::session::mask_token(csrf),
            nav,
            is_admin: a.has_role(Role::Admin),
            works_with_children: a.memberships.iter().any(|m| m.role.works_with_children()),
            can_add_child: a.has_role(Role::YjsCaseManager) || a.has_role(Role::YjsManager),
            is_manager: decide(a, Action::ViewOversight, None).is_allowed(),
            can_find_child: decide(a, Action::FindChildForBreakGlass, None).is_allowed(),
            can_see_break_glass: decide(a, Action::ViewBreakGlassReport, None).is_allowed(),
            can_see_figures: decide(a, Action::ViewAggregates, None).is_allowed(),
            can_see_outcomes: decide(a, Action::ViewCohortReport, None).is_allowed(),
            can_answer_subject_access: decide(a, Action::SubjectAccess, None).is_allowed(),
            has_errors: false,
            body_script: crate::security::BODY_SCRIPT,
            lang: crate::i18n::current(),
        }
    }

    /// The URL of a front-end file, with the version that lets browsers cache it for good.
    pub fn asset(&self, path: &str) -> String {
        crate::assets::url(path)
    }

    /// Message `id` in the page's language.
    pub fn t(&self, id: &str) -> String {
        self.lang.t(id)
    }

    /// Message `id` with one argument `name`, in the page's language.
    pub fn t1(&self, id: &str, name: &'static str, value: &str) -> String {
        self.lang.t_args(id, &[(name, crate::i18n::Arg::Text(value.to_string()))])
    }

    /// The language the switch offers.
    pub fn other_lang(&self) -> Lang {
        self.lang.other()
    }

    /// This page in the other language.
    pub fn switch_href(&self) -> String {
        crate::i18n::switch_href(self.lang.other())
    }

    /// The same, marking the page as showing errors.
    pub fn with_errors(mut self, has_errors: bool) -> Self {
        self.has_errors = has_errors;
        self
    }

    /// The sections of the service this person works in, each with the pages in it they may
    /// use, in the order the navigation shows them. One row of primary navigation holds a
    /// section each; a section's other pages are its sub-navigation.
    fn sections(&self) -> Vec<Section> {
        let children = self.works_with_children;
        let table: [(&'static str, Vec<Page>); 9] = [
            (
                "caseload",
                vec![
                    ("caseload", "/caseload", "My caseload", children),
                    ("appointments", "/appointments", "Appointments", children),
                    ("actions", "/actions", "My actions", children),
                    ("add-child", "/children/new", "Add a child", self.can_add_child),
                ],
            ),
            (
                "handovers",
                vec![
                    ("handovers", "/handovers", "Waiting for me", children),
                    ("handovers-sent", "/handovers/sent", "Sent by me", children),
                ],
            ),
            (
                "readiness",
                vec![
                    ("readiness", "/readiness", "Release readiness", children),
                    ("gaps", "/gaps", "Readiness gaps", self.is_manager),
                    ("meetings", "/meetings/attention", "Meetings to chase", self.is_manager),
                ],
            ),
            (
                "emergency",
                vec![
                    ("break-glass", "/reports/emergency-access", "Emergency access report", self.can_see_break_glass),
                    ("find-child", "/find-a-child", "Find a child", self.can_find_child),
                ],
            ),
            ("figures", vec![("figures", "/reports/figures", "Figures", self.can_see_figures)]),
            ("outcomes", vec![("outcomes", "/reports/cohort", "Outcomes", self.can_see_outcomes)]),
            (
                "subject-access",
                vec![("subject-access", "/subject-access", "Subject access requests", self.can_answer_subject_access)],
            ),
            ("users", vec![("users", "/admin/users", "Users", self.is_admin)]),
            (
                "organisations",
                vec![
                    ("organisations", "/admin/organisations", "Organisations", self.is_admin),
                    ("bank-holidays", "/admin/bank-holidays", "Bank holidays", self.is_admin),
                ],
            ),
        ];
        table
            .into_iter()
            .filter_map(|(section, items)| {
                let items: Vec<NavItem> = items
                    .into_iter()
                    .filter(|(_, _, _, shown)| *shown)
                    .map(|(key, href, _, _)| NavItem {
                        href,
                        label: self.t(&format!("nav-{key}")),
                        current: key == self.nav,
                    })
                    .collect();
                let href = items.first()?.href;
                Some(Section { label: self.t(&format!("nav-section-{section}")), href, items })
            })
            .collect()
    }

    /// The primary navigation: one link a section, the current section marked.
    pub fn primary_nav(&self) -> Vec<NavItem> {
        self.sections()
            .into_iter()
            .map(|s| NavItem { href: s.href, current: s.items.iter().any(|i| i.current), label: s.label })
            .collect()
    }

    /// The current section's pages, when it has more than one.
    pub fn sub_nav(&self) -> Vec<NavItem> {
        self.sections()
            .into_iter()
            .find(|s| s.items.iter().any(|i| i.current) && s.items.len() > 1)
            .map_or_else(Vec::new, |s| s.items)
    }

    /// Where this person starts: the first page of their first section (the caseload for
    /// those who work with children, the figures for a strategic lead, the users for an
    /// administrator), or their sessions when the service has nothing else for them.
    pub fn start_page(&self) -> &'static str {
        self.sections().first().map_or("/account/sessions", |s| s.href)
    }

    /// The name of [`Chrome::start_page`], for a message that sends someone there.
    pub fn start_label(&self) -> String {
        self.sections().into_iter().next().map_or_else(|| self.t("your-sessions"), |s| s.label)
    }
}

/// A page of a section: its `nav` key (its words are the message `nav-{key}`), address, its
/// words in English (for a reader of this table), and whether this person may use it.
type Page = (&'static str, &'static str, &'static str, bool);

/// A part of the service, in the primary navigation.
struct Section {
    label: String,
    href: &'static str,
    items: Vec<NavItem>,
}

/// One link of the navigation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavItem {
    /// Where it goes.
    pub href: &'static str,
    /// Its words.
    pub label: String,
    /// Whether the page shown is (in) it.
    pub current: bool,
}
