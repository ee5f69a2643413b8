//! Paging for every list the API answers: `page` and `per_page` in (default 50, at most 200),
//! and the list out as one page of `items` with the `total` across all pages.

use resettle_app::AppError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Rows on a page when `per_page` is not given.
pub const DEFAULT_PER_PAGE: u32 = 50;
/// The most rows a page may hold.
pub const MAX_PER_PAGE: u32 = 200;
/// The last page that may be asked for (a million rows at ten a page).
pub const MAX_PAGE: u32 = 100_000;

/// Which page of a list, for a list with no other parameters. Unknown parameters are refused.
#[derive(Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Paging {
    /// Page, from 1 (default 1).
    #[param(minimum = 1, maximum = 100_000)]
    pub page: Option<u32>,
    /// Rows per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

impl Paging {
    /// The page and its size, checked: a value out of range names its parameter.
    pub fn checked(&self) -> Result<(u32, u32), AppError> {
        checked(self.page, self.per_page)
    }
}

/// The page and its size from the two parameters, checked.
pub fn checked(page: Option<u32>, per_page: Option<u32>) -> Result<(u32, u32), AppError> {
    let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(AppError::invalid("per_page", format!("per_page must be between 1 and {MAX_PER_PAGE}")));
    }
    let page = page.unwrap_or(1);
    if !(1..=MAX_PAGE).contains(&page) {
        return Err(AppError::invalid("page", format!("page must be between 1 and {MAX_PAGE}")));
    }
    Ok((page, per_page))
}

/// One page of a list.
#[derive(Serialize, ToSchema)]
pub struct Paged<T> {
    /// The rows on this page.
    pub items: Vec<T>,
    /// Rows across all pages.
    pub total: u64,
    /// This page, from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

impl<T> Paged<T> {
    /// The page `page` (of `per_page` rows) of the whole list `all`, in its order.
    pub fn of(all: impl IntoIterator<Item = T>, (page, per_page): (u32, u32)) -> Self {
        let all: Vec<T> = all.into_iter().collect();
        let total = u64::try_from(all.len()).unwrap_or(u64::MAX);
        let skip = usize::try_from(u64::from(page - 1) * u64::from(per_page)).unwrap_or(usize::MAX);
        let take = usize::try_from(per_page).unwrap_or(usize::MAX);
        Self { items: all.into_iter().skip(skip).take(take).collect(), total, page, per_page }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_its_slice_of_the_whole_with_the_total() {
        let p = Paged::of(1..=7, (2, 3));
        assert_eq!((p.items, p.total, p.page, p.per_page), (vec![4, 5, 6], 7, 2, 3));
        let last = Paged::of(1..=7, (3, 3));
        assert_eq!(last.items, vec![7]);
        let past = Paged::of(1..=7, (4, 3));
        assert!(past.items.is_empty());
        assert_eq!(past.total, 7);
    }

    #[test]
    fn out_of_range_values_name_their_parameter() {
        assert_eq!(checked(None, None).ok(), Some((1, 50)));
        assert_eq!(checked(Some(3), Some(200)).ok(), Some((3, 200)));
        for (page, per_page, field) in
            [(Some(0), None, "page"), (None, Some(0), "per_page"), (None, Some(201), "per_page")]
        {
            let e = checked(page, per_page).err().map(|e| format!("{e:?}")).unwrap_or_default();
            assert!(e.contains(field), "{e}");
        }
    }
}
