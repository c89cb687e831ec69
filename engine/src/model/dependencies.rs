//! The six dependencies a cluster is built from, the git ref each is pinned to, and the
//! tarball URLs `nixops modify -I` receives (the runbook's `scripts/setdeps.sh`).

use serde::{Deserialize, Serialize};

use super::cluster::FieldError;

/// Each dependency's name (as `-I<name>=` and the GitHub repository) and default ref.
pub const DEPENDENCIES: [(&str, &str); 6] = [
    ("disciplina", "master"),
    ("disciplina-explorer-frontend", "master"),
    ("disciplina-faucet-frontend", "master"),
    ("disciplina-nixops", "master"),
    ("disciplina-validatorcv", "master"),
    ("disciplina-educator-spa", "develop"),
];

/// A dependency pinned to a ref.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedDependency {
    pub name: String,
    pub git_ref: String,
}

impl PinnedDependency {
    /// The tarball GitHub serves for this ref.
    pub fn tarball_url(&self) -> String {
        format!(
            "https://github.com/DisciplinaOU/{}/archive/{}.tar.gz",
            self.name, self.git_ref
        )
    }
}

/// All six dependencies, with `overrides` (name, ref) applied over the defaults. Unknown
/// names and invalid refs are refused, naming the dependency.
pub fn pin_dependencies(
    overrides: &[(String, String)],
) -> Result<Vec<PinnedDependency>, FieldError> {
    for (name, git_ref) in overrides {
        if !DEPENDENCIES.iter().any(|(known, _)| known == name) {
            return Err(FieldError {
                field: name.clone(),
                message: format!("{name:?} is not one of the cluster's dependencies"),
            });
        }
        validate_git_ref(git_ref).map_err(|message| FieldError {
            field: name.clone(),
            message,
        })?;
    }
    Ok(DEPENDENCIES
        .iter()
        .map(|(name, default_ref)| PinnedDependency {
            name: (*name).to_owned(),
            git_ref: overrides
                .iter()
                .rev()
                .find(|(overridden, _)| overridden == name)
                .map_or_else(|| (*default_ref).to_owned(), |(_, git_ref)| git_ref.clone()),
        })
        .collect())
}

/// A branch, tag or commit name as `git check-ref-format` accepts it, further limited to
/// characters that are safe in a URL path: letters, digits and `-._/`.
pub fn validate_git_ref(git_ref: &str) -> Result<(), String> {
    let refuse = |why: &str| Err(format!("{git_ref:?} is not a valid git ref: {why}"));
    if git_ref.is_empty() || git_ref.len() > 200 {
        return refuse("it must have 1 to 200 characters");
    }
    if !git_ref
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'/'))
    {
        return refuse("use letters, digits, '-', '.', '_' and '/'");
    }
    if git_ref.starts_with(['-', '/', '.']) || git_ref.ends_with(['/', '.']) {
        return refuse("it cannot start with '-', '/' or '.', nor end with '/' or '.'");
    }
    if git_ref.contains("..") || git_ref.contains("//") || git_ref.contains("/.") {
        return refuse("it cannot contain '..', '//' or a component starting with '.'");
    }
    if git_ref.ends_with(".lock") || git_ref.split('/').any(|part| part.ends_with(".lock")) {
        return refuse("no component may end with '.lock'");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_runbook() {
        let pinned = pin_dependencies(&[]).expect("defaults");
        assert_eq!(pinned.len(), 6);
        let spa = pinned
            .iter()
            .find(|dep| dep.name == "disciplina-educator-spa")
            .expect("the SPA");
        assert_eq!(spa.git_ref, "develop");
        assert_eq!(
            pinned[0].tarball_url(),
            "https://github.com/DisciplinaOU/disciplina/archive/master.tar.gz"
        );
    }

    #[test]
    fn an_override_replaces_only_its_dependency() {
        let pinned = pin_dependencies(&[("disciplina".into(), "v1.2".into())]).expect("valid");
        assert_eq!(pinned[0].git_ref, "v1.2");
        assert_eq!(pinned[1].git_ref, "master");
    }

    #[test]
    fn refs_that_git_or_a_shell_would_misread_are_refused() {
        for bad in [
            "", "-rf", "a..b", "a b", "a;b", "$(id)", "a`b`", "feature/", "/x", "x.lock", "a//b",
            "a/.b", "@{u}", "a~1", "a^", "a:b", "x?", "x*", "[x]", "a\\b",
        ] {
            assert!(validate_git_ref(bad).is_err(), "{bad:?}");
        }
        for good in [
            "master",
            "v1.2.3",
            "feature/new-ui",
            "0a1b2c3d",
            "release_2021.04",
        ] {
            assert!(validate_git_ref(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn an_unknown_dependency_is_named() {
        let error = pin_dependencies(&[("left-pad".into(), "master".into())]).expect_err("unknown");
        assert_eq!(error.field, "left-pad");
    }
}
