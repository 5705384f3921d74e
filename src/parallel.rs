//! Work over a list on all cores with the `parallel` feature, one core without it, with the
//! same result either way.

use crate::error::Result;

/// `f` of every item, in order; the first error in the list's order (not the first to
/// happen), so that the error does not depend on the threads.
pub(crate) fn each<T: Sync, U: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<U> + Sync,
) -> Result<Vec<U>> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let all: Vec<Result<U>> = items.par_iter().map(&f).collect();
        all.into_iter().collect()
    }
    #[cfg(not(feature = "parallel"))]
    items.iter().map(f).collect()
}
