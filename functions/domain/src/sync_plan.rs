//! What one sync must do, decided from what we hold and what Greenhouse lists.

use crate::greenhouse::{JobPostId, JobSummary};
use std::collections::{BTreeMap, BTreeSet};

/// A job as the store holds it, reduced to what planning needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownJob {
    pub id: JobPostId,
    pub updated_at: Option<String>,
    pub open: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncPlan {
    /// Listed, never seen: fetch questions.
    pub added: Vec<JobPostId>,
    /// Listed with another `updated_at`, or listed again after being closed: fetch questions.
    pub changed: Vec<JobPostId>,
    /// Listed as before: nothing to fetch.
    pub unchanged: Vec<JobPostId>,
    /// Open here, missing from the list: candidates for closing once confirmed.
    pub vanished: Vec<JobPostId>,
}

impl SyncPlan {
    pub fn to_fetch(&self) -> impl Iterator<Item = JobPostId> + '_ {
        self.added.iter().chain(&self.changed).copied()
    }
}

pub fn plan(known: &[KnownJob], listed: &[JobSummary]) -> SyncPlan {
    let known: BTreeMap<JobPostId, &KnownJob> = known.iter().map(|k| (k.id, k)).collect();
    let mut seen = BTreeSet::new();
    let mut plan = SyncPlan::default();
    for job in listed {
        // A list that repeats a post must not make us fetch it twice.
        if !seen.insert(job.id) {
            continue;
        }
        match known.get(&job.id) {
            None => plan.added.push(job.id),
            Some(k) if !k.open || k.updated_at != job.updated_at => plan.changed.push(job.id),
            Some(_) => plan.unchanged.push(job.id),
        }
    }
    plan.vanished = known
        .values()
        .filter(|k| k.open && !seen.contains(&k.id))
        .map(|k| k.id)
        .collect();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(id: u64, updated: &str) -> JobSummary {
        serde_json::from_value(serde_json::json!({"id": id, "title": "t", "updated_at": updated}))
            .unwrap()
    }
    fn known(id: u64, updated: &str, open: bool) -> KnownJob {
        KnownJob {
            id,
            updated_at: Some(updated.into()),
            open,
        }
    }

    #[test]
    fn classifies_added_changed_unchanged_vanished_and_reopened() {
        let plan = plan(
            &[
                known(1, "a", true),
                known(2, "a", true),
                known(3, "a", true),
                known(4, "a", false),
            ],
            &[
                listed(1, "a"),
                listed(2, "b"),
                listed(5, "a"),
                listed(4, "a"),
                listed(5, "a"),
            ],
        );
        assert_eq!(plan.added, vec![5]);
        assert_eq!(plan.changed, vec![2, 4]);
        assert_eq!(plan.unchanged, vec![1]);
        assert_eq!(plan.vanished, vec![3]);
        assert_eq!(plan.to_fetch().collect::<Vec<_>>(), vec![5, 2, 4]);
    }

    #[test]
    fn closed_jobs_missing_from_the_list_are_not_closed_again() {
        let plan = plan(&[known(9, "a", false)], &[]);
        assert!(plan.vanished.is_empty());
    }
}
