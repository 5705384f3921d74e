//! Armed groups defined by alias lists, matched against the actors of an incident.

use serde::{Deserialize, Serialize};

use crate::incident::{ActorKind, CountryCode, Incident};

/// One name an actor group goes by, optionally only for incidents recorded in (or outside) a
/// country.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    /// The text matched as whole words against actor names, in the form [`normal_name`]
    /// gives (lower case, apostrophes dropped, other punctuation as spaces).
    pub text: String,
    /// Match only a name that is exactly the text (UCDP's bare "IS").
    pub exact: bool,
    /// Only for incidents recorded in this country.
    pub only_in: Option<CountryCode>,
    /// Not for incidents recorded in this country.
    pub not_in: Option<CountryCode>,
}

impl Alias {
    /// An alias valid everywhere.
    #[must_use]
    pub fn new(text: &str) -> Self {
        Alias {
            text: normal_name(text),
            exact: false,
            only_in: None,
            not_in: None,
        }
    }
}

/// A named armed group and the names it goes by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorGroup {
    /// The group's name in reports.
    pub name: String,
    /// Its aliases.
    pub aliases: Vec<Alias>,
    /// Actors of this kind belong to the group whatever their name (state forces).
    pub kind: Option<ActorKind>,
}

/// Armed groups defined by alias lists, matched case-insensitively as whole words against
/// every actor of an incident. [`ActorGroups::corridor`] holds defaults for the corridor.
///
/// ```
/// use conflict_risk::{Actor, ActorGroups, ActorKind, DateSpan, Incident, jiff::civil::date};
/// let groups = ActorGroups::corridor();
/// let mut i = Incident::new("x", 0.8, 10.9, DateSpan::day(date(2024, 7, 20)));
/// i.primary_actor = Some(Actor::new("JNIM: Group for Support of Islam and Muslims", ActorKind::Rebel));
/// assert_eq!(groups.names_of(&i), vec!["JNIM"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorGroups {
    groups: Vec<ActorGroup>,
}

impl ActorGroups {
    /// No groups.
    #[must_use]
    pub fn new() -> Self {
        ActorGroups::default()
    }

    /// The corridor's groups: JNIM, IS Sahel (ISGS), Ansaru, Boko Haram/JAS, ISWAP and state
    /// forces. UCDP names every Islamic State province "IS": it counts as IS Sahel outside
    /// Nigeria and as ISWAP in Nigeria.
    #[must_use]
    pub fn corridor() -> Self {
        let nga = CountryCode::new("NGA");
        let all = |names: &[&str]| names.iter().map(|n| Alias::new(n)).collect::<Vec<_>>();
        let is_outside = Alias {
            not_in: nga,
            exact: true,
            ..Alias::new("is")
        };
        let is_nigeria = Alias {
            only_in: nga,
            exact: true,
            ..Alias::new("is")
        };
        let mut is_sahel = all(&[
            "islamic state sahel",
            "is sahel",
            "is-sahel",
            "isgs",
            "islamic state in the greater sahara",
            "islamic state (greater sahara)",
            "islamic state sahel province",
        ]);
        is_sahel.push(is_outside);
        let mut iswap = all(&[
            "iswap",
            "islamic state west africa",
            "islamic state (west africa)",
            "islamic state west africa province",
        ]);
        iswap.push(is_nigeria);
        let group = |name: &str, aliases: Vec<Alias>, kind| ActorGroup {
            name: name.to_string(),
            aliases,
            kind,
        };
        ActorGroups {
            groups: vec![
                group(
                    "JNIM",
                    all(&[
                        "jnim",
                        "jama'at nusrat al-islam wal-muslimin",
                        "jamaat nusrat al-islam wal muslimin",
                        "group for support of islam and muslims",
                        "gsim",
                    ]),
                    None,
                ),
                group("IS Sahel", is_sahel, None),
                group(
                    "Ansaru",
                    all(&["ansaru", "jama'atu ansarul muslimina fi biladis sudan"]),
                    None,
                ),
                group(
                    "Boko Haram/JAS",
                    all(&[
                        "boko haram",
                        "jas",
                        "jama'atu ahlis sunna lidda'awati wal-jihad",
                        "jamaatu ahlis sunna liddaawati wal-jihad",
                    ]),
                    None,
                ),
                group("ISWAP", iswap, None),
                group(
                    "State forces",
                    all(&["military forces of", "police forces of", "government of"]),
                    Some(ActorKind::State),
                ),
            ],
        }
    }

    /// Add a group or replace the one of that name.
    #[must_use]
    pub fn with_group(mut self, name: &str, aliases: &[&str]) -> Self {
        let g = ActorGroup {
            name: name.to_string(),
            aliases: aliases.iter().map(|a| Alias::new(a)).collect(),
            kind: None,
        };
        match self.groups.iter_mut().find(|x| x.name == name) {
            Some(x) => *x = g,
            None => self.groups.push(g),
        }
        self
    }

    /// The groups.
    #[must_use]
    pub fn groups(&self) -> &[ActorGroup] {
        &self.groups
    }

    /// The position of a group by name.
    #[must_use]
    pub fn position(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.name == name)
    }

    /// Whether group `g` appears in the incident.
    #[must_use]
    pub fn involves(&self, g: usize, incident: &Incident) -> bool {
        if g >= self.groups.len() {
            return false;
        }
        incident
            .actors()
            .any(|a| self.actor_in(g, &normal_name(&a.name), a.kind, incident.country))
    }

    /// The names of the groups that appear in the incident, in group order.
    #[must_use]
    pub fn names_of(&self, incident: &Incident) -> Vec<&str> {
        (0..self.groups.len())
            .filter(|&g| self.involves(g, incident))
            .map(|g| self.groups[g].name.as_str())
            .collect()
    }

    /// Whether an actor (its name as [`normal_name`] gives it, its kind) of an incident
    /// recorded in `country` belongs to group `g`.
    fn actor_in(
        &self,
        g: usize,
        name: &str,
        kind: ActorKind,
        country: Option<CountryCode>,
    ) -> bool {
        let group = &self.groups[g];
        if group.kind == Some(kind) {
            return true;
        }
        group.aliases.iter().any(|al| {
            al.only_in.is_none_or(|c| country == Some(c))
                && al.not_in.is_none_or(|c| country != Some(c))
                && if al.exact {
                    name.trim() == al.text
                } else {
                    contains_words(name, &al.text)
                }
        })
    }
}

/// The groups of incidents, each actor matched once: [`ActorGroups::involves`] normalises and
/// searches every actor name on every call, and a file of a million incidents names a few
/// hundred actors. Remembers each (name, kind, recorded country) it has matched, by the
/// name's address: the incidents it is given must outlive it (they do, borrowed for a run).
pub(crate) struct GroupMatcher<'g> {
    groups: &'g ActorGroups,
    seen: rustc_hash::FxHashMap<(usize, usize, ActorKind, Option<CountryCode>), u64>,
}

impl<'g> GroupMatcher<'g> {
    pub(crate) fn new(groups: &'g ActorGroups) -> Self {
        GroupMatcher {
            groups,
            seen: rustc_hash::FxHashMap::default(),
        }
    }

    /// The groups of `incident` as bits (bit g for group g; groups past the 64th are not
    /// remembered: see [`GroupMatcher::involves`]).
    pub(crate) fn mask(&mut self, incident: &Incident) -> u64 {
        let groups = self.groups;
        let mut mask = 0;
        for a in incident.actors() {
            let key = (
                a.name.as_ptr() as usize,
                a.name.len(),
                a.kind,
                incident.country,
            );
            mask |= *self.seen.entry(key).or_insert_with(|| {
                let name = normal_name(&a.name);
                (0..groups.groups.len().min(64))
                    .filter(|&g| groups.actor_in(g, &name, a.kind, incident.country))
                    .fold(0u64, |m, g| m | (1 << g))
            });
        }
        mask
    }

    /// [`ActorGroups::involves`], remembered.
    pub(crate) fn involves(&mut self, g: usize, incident: &Incident) -> bool {
        if g < 64 {
            self.mask(incident) & (1 << g) != 0
        } else {
            self.groups.involves(g, incident)
        }
    }

    /// [`ActorGroups::names_of`], remembered.
    pub(crate) fn names_of(&mut self, incident: &Incident) -> Vec<&'g str> {
        let mask = self.mask(incident);
        let groups = self.groups;
        (0..groups.groups.len())
            .filter(|&g| {
                if g < 64 {
                    mask & (1 << g) != 0
                } else {
                    groups.involves(g, incident)
                }
            })
            .map(|g| groups.groups[g].name.as_str())
            .collect()
    }
}

/// An actor name as aliases are matched against it: lower case, apostrophes of every style
/// dropped (`Jama’at`, `Jama'at` and `Jamaat` are one word), every other run of punctuation
/// or space one space (`al-Islam`, `Islamic State (Sahel)`).
///
/// ```
/// use conflict_risk::trend::normal_name;
/// assert_eq!(normal_name("Jama’at Nusrat al-Islam wal-Muslimin"), "jamaat nusrat al islam wal muslimin");
/// assert_eq!(normal_name("Islamic State (Sahel)"), "islamic state sahel");
/// ```
#[must_use]
pub fn normal_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.chars() {
        if matches!(c, '\'' | '’' | '‘' | '`' | '´' | 'ʼ') {
            continue;
        }
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// Whether `needle` occurs in `hay` bounded by non-alphanumeric characters or the ends.
fn contains_words(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let bytes = hay.as_bytes();
    let mut from = 0;
    while let Some(at) = hay[from..].find(needle) {
        let start = from + at;
        let end = start + needle.len();
        let before = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        let after = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
        if before && after {
            return true;
        }
        from = start + 1;
        while !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}
