//! The corridor questions over time: the tempo of attacks, where activity spreads
//! (relocation or escalation, after Schutte & Weidmann 2011), and whether two armed groups'
//! zones meet and where the gap between them lies ([`Crossroads`]), and how surrounded a site
//! is ([`Encirclement`]). Armed groups are defined by alias lists ([`ActorGroups`]).

mod crossroads;
mod encirclement;
mod expansion;
mod groups;
mod nexus;
mod tempo;
#[cfg(test)]
mod tests;

pub use crossroads::{
    ClosestPair, Crossroads, CrossroadsFindings, CrossroadsPeriod, GapArea, GapIncidents,
    MAX_DETOUR,
};
pub use encirclement::{Encirclement, Gap, MAX_SIMULATIONS, Ring};
pub use expansion::{Expansion, ExpansionSeries, ExpansionStep, SpreadKind};
pub(crate) use groups::GroupMatcher;
pub use groups::{ActorGroup, ActorGroups, Alias, normal_name};
pub use nexus::{
    CrossK, CrossKTest, MAX_PERMUTATIONS, MAX_SHUFFLE_PAIRS, MAX_SHUFFLE_STEPS, Nexus,
    NexusFindings, PairCounts, PeriodDistance,
};
pub use tempo::{Tempo, TempoSeries, YearOnYear};
