//! The cluster argument rules of the runbook.

use super::*;

fn staging(name: &str, index: i64) -> ClusterInput {
    ClusterInput {
        name: name.to_owned(),
        region: "eu-central-1".to_owned(),
        cluster_index: index,
        env: "staging".to_owned(),
        domain: "alpha.disciplina.io".to_owned(),
        dns_zone: "disciplina.io.".to_owned(),
    }
}

fn field_of(input: &ClusterInput) -> String {
    input.validate().expect_err("should be refused").field
}

#[test]
fn a_valid_staging_cluster_passes_with_its_dns() {
    let args = staging("alpha", 2).validate().expect("valid");
    assert_eq!(args.cluster_index, 2);
    assert_eq!(args.env, Environment::Staging);
    assert_eq!(args.dns.expect("staging has DNS").zone, "disciplina.io.");
}

#[test]
fn production_turns_dns_off_and_ignores_domain_and_zone() {
    let mut input = staging("prod", 3);
    input.env = "production".to_owned();
    input.domain = "not a domain".to_owned();
    let args = input.validate().expect("valid");
    assert_eq!(args.dns, None);
}

#[test]
fn names_with_shell_metacharacters_or_bad_shapes_are_refused() {
    for name in [
        "",
        "Alpha",
        "a b",
        "a;rm -rf /",
        "$(id)",
        "-a",
        "a-",
        "a_b",
        &"a".repeat(41),
    ] {
        assert_eq!(field_of(&staging(name, 1)), "name", "{name:?}");
    }
    assert_eq!(field_of(&staging("deployer", 1)), "name");
}

#[test]
fn the_index_must_be_between_1_and_25() {
    for index in [0, 26, -1, 1000] {
        assert_eq!(
            field_of(&staging("alpha", index)),
            "cluster_index",
            "{index}"
        );
    }
    assert!(staging("alpha", 25).validate().is_ok());
}

#[test]
fn subnets_follow_the_index_as_the_runbook_shows() {
    assert_eq!(subnets(2), ["10.1.21.0/24", "10.1.22.0/24", "10.1.23.0/24"]);
    assert_eq!(
        subnets(25),
        ["10.1.251.0/24", "10.1.252.0/24", "10.1.253.0/24"]
    );
}

#[test]
fn the_lowest_free_index_is_suggested() {
    assert_eq!(lowest_free_index(&[1, 2, 4]), Some(3));
    assert_eq!(lowest_free_index(&(1..=25).collect::<Vec<_>>()), None);
}

#[test]
fn only_the_two_environments_exist() {
    let mut input = staging("alpha", 1);
    input.env = "dev".to_owned();
    assert_eq!(field_of(&input), "env");
}

#[test]
fn the_domain_must_lie_inside_the_zone() {
    let mut input = staging("alpha", 1);
    input.domain = "alpha.example.com".to_owned();
    assert_eq!(field_of(&input), "domain");
    input.domain = "disciplina.io".to_owned();
    assert!(
        input.validate().is_ok(),
        "the zone's apex is inside the zone"
    );
    input.domain = "xdisciplina.io".to_owned();
    assert_eq!(field_of(&input), "domain", "a suffix is not a subdomain");
}

#[test]
fn an_unknown_region_is_refused_and_an_empty_one_defaults() {
    let mut input = staging("alpha", 1);
    input.region = "mars-north-1".to_owned();
    assert_eq!(field_of(&input), "region");
    input.region = String::new();
    assert_eq!(input.validate().expect("valid").region, "eu-central-1");
}
