//! [`Count`]: a key with how many incidents have it, the one shape of every tally in a result.

use serde::{Deserialize, Serialize};

/// A key (an actor, a country, a year, an event kind) with the number of incidents that have
/// it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Count<K> {
    /// The key.
    pub key: K,
    /// How many incidents.
    pub count: u64,
}

impl<K: Ord> Count<K> {
    /// Entries of a tally with their counts, most first, ties in key order.
    pub(crate) fn most_first(map: impl IntoIterator<Item = (K, u64)>) -> Vec<Count<K>> {
        let mut v: Vec<Count<K>> = map
            .into_iter()
            .map(|(key, count)| Count { key, count })
            .collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
        v
    }
}
