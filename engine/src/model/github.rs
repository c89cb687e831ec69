//! GitHub deployments as a trigger: the parts of a `deployment` event nixdeck acts on,
//! checked before anything reaches a job, and the deployment statuses it reports back.

use serde::Deserialize;

use super::{
    cluster::validate_cluster_name,
    dependencies::{validate_git_ref, DEPENDENCIES},
    job::JobState,
};

/// The longest description GitHub keeps on a deployment status.
pub const MAX_STATUS_DESCRIPTION: usize = 140;

/// A `deployment` event, as checked: which cluster, which dependency at which commit, and
/// who asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentRequest {
    /// `owner/name`: where statuses are posted.
    pub repository: String,
    pub deployment_id: u64,
    /// The cluster (`deployment.environment`).
    pub cluster: String,
    /// The dependency (`repository.name`) and the ref it deploys at (`deployment.sha`).
    pub dependency: String,
    pub git_ref: String,
    /// `deployment.creator.login`.
    pub creator: String,
}

impl DeploymentRequest {
    /// What names this deployment in a job's `trigger_ref`: `owner/name#id`.
    pub fn reference(&self) -> String {
        format!("{}#{}", self.repository, self.deployment_id)
    }
}

/// Why a deployment event cannot become a job; the status GitHub gets says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentRefusal {
    pub field: &'static str,
    pub message: String,
}

#[derive(Debug, Deserialize)]
struct Event {
    deployment: Deployment,
    repository: Repository,
}

#[derive(Debug, Deserialize)]
struct Deployment {
    id: u64,
    sha: String,
    environment: String,
    creator: Option<Creator>,
}

#[derive(Debug, Deserialize)]
struct Creator {
    login: String,
}

#[derive(Debug, Deserialize)]
struct Repository {
    name: String,
    full_name: String,
}

/// The identity of a deployment, read before the rest is judged: enough to post an `error`
/// status on a deployment whose other fields are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentIdentity {
    pub repository: String,
    pub deployment_id: u64,
}

/// Reads a `deployment` event's body. A body that is not such an event is `Err(None)`;
/// one whose fields break a rule is `Err(Some((identity, refusal)))`, so the refusal can be
/// reported on the deployment.
#[allow(clippy::result_large_err)]
pub fn parse_deployment_event(
    body: &[u8],
) -> Result<DeploymentRequest, Option<(DeploymentIdentity, DeploymentRefusal)>> {
    let event: Event = serde_json::from_slice(body).map_err(|_| None)?;
    let identity = DeploymentIdentity {
        repository: event.repository.full_name.clone(),
        deployment_id: event.deployment.id,
    };
    if !plausible_repository(&identity.repository) {
        return Err(None);
    }
    let refuse = |field: &'static str, message: String| {
        Err(Some((
            identity.clone(),
            DeploymentRefusal { field, message },
        )))
    };
    let name = event.repository.name;
    if !DEPENDENCIES.iter().any(|(known, _)| *known == name) {
        return refuse(
            "repository",
            format!("{name:?} is not one of the clusters' dependencies"),
        );
    }
    if let Err(error) = validate_cluster_name(&event.deployment.environment) {
        return refuse(
            "environment",
            format!(
                "{:?} is not a cluster name: {}",
                event.deployment.environment, error.message
            ),
        );
    }
    if let Err(error) = validate_git_ref(&event.deployment.sha) {
        return refuse("sha", error);
    }
    let creator = event
        .deployment
        .creator
        .map(|c| c.login)
        .unwrap_or_default();
    if !valid_login(&creator) {
        return refuse("creator", format!("{creator:?} is not a GitHub login"));
    }
    Ok(DeploymentRequest {
        repository: identity.repository,
        deployment_id: identity.deployment_id,
        cluster: event.deployment.environment,
        dependency: name,
        git_ref: event.deployment.sha,
        creator,
    })
}

/// `owner/name` as GitHub allows them: letters, digits, `-`, `_` and `.`.
fn plausible_repository(full_name: &str) -> bool {
    let Some((owner, name)) = full_name.split_once('/') else {
        return false;
    };
    let part = |text: &str| {
        !text.is_empty()
            && text.len() <= 100
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    part(owner) && part(name)
}

/// A GitHub login: 1 to 39 letters, digits and single hyphens, not at either end; an app's
/// bot adds `[bot]` (`github-actions[bot]`).
pub fn valid_login(login: &str) -> bool {
    let login = login.strip_suffix("[bot]").unwrap_or(login);
    !login.is_empty()
        && login.len() <= 39
        && !login.starts_with('-')
        && !login.ends_with('-')
        && !login.contains("--")
        && login.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// A deployment status's state, as GitHub names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusState {
    Queued,
    InProgress,
    Success,
    Failure,
    Error,
}

impl StatusState {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusState::Queued => "queued",
            StatusState::InProgress => "in_progress",
            StatusState::Success => "success",
            StatusState::Failure => "failure",
            StatusState::Error => "error",
        }
    }

    /// What GitHub is told when a job reaches `state`.
    pub fn of_job(state: JobState) -> StatusState {
        match state {
            JobState::AwaitingApproval | JobState::Queued => StatusState::Queued,
            JobState::Running => StatusState::InProgress,
            JobState::Succeeded => StatusState::Success,
            JobState::Failed => StatusState::Failure,
            JobState::Cancelled
            | JobState::Interrupted
            | JobState::Rejected
            | JobState::Expired => StatusState::Error,
        }
    }
}

/// A description GitHub keeps whole: one line, at most 140 characters (cut with "…").
pub fn status_description(text: &str) -> String {
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let line = line.trim();
    if line.chars().count() <= MAX_STATUS_DESCRIPTION {
        return line.to_owned();
    }
    let mut cut: String = line.chars().take(MAX_STATUS_DESCRIPTION - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(repo: &str, environment: &str, sha: &str, login: &str) -> Vec<u8> {
        serde_json::json!({
            "action": "created",
            "deployment": {
                "id": 42, "sha": sha, "ref": "master", "environment": environment,
                "creator": { "login": login }
            },
            "repository": { "name": repo, "full_name": format!("DisciplinaOU/{repo}") }
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn a_deployment_event_names_cluster_dependency_ref_and_creator() {
        let request = parse_deployment_event(&event("disciplina", "alpha", "3f2a9c1", "alice"))
            .expect("valid");
        assert_eq!(request.cluster, "alpha");
        assert_eq!(request.dependency, "disciplina");
        assert_eq!(request.git_ref, "3f2a9c1");
        assert_eq!(request.creator, "alice");
        assert_eq!(request.reference(), "DisciplinaOU/disciplina#42");
        assert!(valid_login("github-actions[bot]"));
        assert!(!valid_login("[bot]") && !valid_login("a[bot]b"));
    }

    #[test]
    fn bad_fields_are_refused_naming_them_and_keeping_the_deployment() {
        for (body, field) in [
            (event("left-pad", "alpha", "abc", "alice"), "repository"),
            (
                event("disciplina", "alpha; rm -rf /", "abc", "alice"),
                "environment",
            ),
            (event("disciplina", "alpha", "$(reboot)", "alice"), "sha"),
            (event("disciplina", "alpha", "abc", "al ice"), "creator"),
        ] {
            let Err(Some((identity, refusal))) = parse_deployment_event(&body) else {
                panic!("{field} should be refused");
            };
            assert_eq!(refusal.field, field);
            assert_eq!(identity.deployment_id, 42);
        }
        assert_eq!(parse_deployment_event(b"{\"zen\": 1}"), Err(None));
        assert_eq!(parse_deployment_event(b"not json"), Err(None));
    }

    #[test]
    fn descriptions_fit_githubs_limit() {
        assert_eq!(
            status_description("  deploy\nsucceeded "),
            "deploy succeeded"
        );
        let long = status_description(&"x".repeat(500));
        assert_eq!(long.chars().count(), MAX_STATUS_DESCRIPTION);
        assert!(long.ends_with('…'));
        assert_eq!(StatusState::of_job(JobState::Expired), StatusState::Error);
        assert_eq!(
            StatusState::of_job(JobState::Running).as_str(),
            "in_progress"
        );
    }
}
