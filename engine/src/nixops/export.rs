//! Reading the deployer's network from `nixops export -d deployer` (runbook step 5, as
//! `scripts/resources.sh` does with jq: `.[].resources["shared-vpc"].vpcId`,
//! `.[].resources["shared-vpc"].cidrBlock`, `.[].resources["route-table"].routeTableId`).

use serde_json::Value;

use super::NetworkIds;

/// The network ids of the one deployment in an export; an error says which is missing.
pub fn parse_deployer_export(json: &str) -> Result<NetworkIds, String> {
    let export: Value =
        serde_json::from_str(json).map_err(|e| format!("nixops export is not JSON: {e}"))?;
    let deployment = export
        .as_object()
        .and_then(|deployments| deployments.values().next())
        .ok_or("nixops export holds no deployment")?;
    let field = |resource: &str, key: &str| {
        deployment["resources"][resource][key]
            .as_str()
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| format!("the deployer's export has no resources[\"{resource}\"].{key}"))
    };
    Ok(NetworkIds {
        vpc_id: field("shared-vpc", "vpcId")?,
        vpc_cidr: field("shared-vpc", "cidrBlock")?,
        route_table_id: field("route-table", "routeTableId")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_ids_are_read_from_the_export() {
        let json = r#"{"4f9c": {"resources": {
            "shared-vpc": {"vpcId": "vpc-0abc", "cidrBlock": "10.1.0.0/16"},
            "route-table": {"routeTableId": "rtb-0def"}}}}"#;
        assert_eq!(
            parse_deployer_export(json),
            Ok(NetworkIds {
                vpc_id: "vpc-0abc".into(),
                vpc_cidr: "10.1.0.0/16".into(),
                route_table_id: "rtb-0def".into(),
            })
        );
    }

    #[test]
    fn a_missing_id_is_named() {
        let json = r#"{"4f9c": {"resources": {"shared-vpc": {"vpcId": "vpc-0abc"}}}}"#;
        let error = parse_deployer_export(json).expect_err("incomplete");
        assert!(error.contains("cidrBlock"), "{error}");
        assert!(parse_deployer_export("[]").is_err());
    }
}
