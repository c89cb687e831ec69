"""Seeds moto with one cluster as NixOps leaves it: an EC2 instance per machine in
eu-central-1, tagged as NixOps tags them, and the zone's records pointing at them, except
the A record of machine STALE, which points elsewhere. Prints the instances as JSON.

Usage: seed.py ENDPOINT CLUSTER DOMAIN ZONE STALE"""

import json
import sys
import uuid

import boto3

endpoint, cluster, domain, zone_name, stale = sys.argv[1:6]
session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
ec2 = session.client("ec2", region_name="eu-central-1", endpoint_url=endpoint)
route53 = session.client("route53", region_name="us-east-1", endpoint_url=endpoint)

machines = ["balancer", "witness0", "witness1", "witness2", "witness3", "educator", "multi-educator"]
names = {"balancer": "witness", "educator": "educator-inner", "multi-educator": "multi-educator-inner"}
made = {}
changes = []
for machine in machines:
    tags = [
        {"Key": "CharonNetworkName", "Value": cluster},
        {"Key": "CharonMachineName", "Value": machine},
        {"Key": "Name", "Value": f"{cluster} [{machine}]"},
    ]
    instance = ec2.run_instances(
        ImageId="ami-03cf127a",
        InstanceType="t2.medium",
        MinCount=1,
        MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": tags}],
    )["Instances"][0]
    described = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])
    found = described["Reservations"][0]["Instances"][0]
    address = found.get("PublicIpAddress") or found["PrivateIpAddress"]
    made[machine] = instance["InstanceId"]
    value = "192.0.2.99" if machine == stale else address
    changes.append(("A", f"{names.get(machine, machine)}.{domain}.", value))
for alias in ["faucet", "explorer", "educator", "multi-educator", "validator"]:
    changes.append(("CNAME", f"{alias}.{domain}.", f"witness.{domain}."))

zones = route53.list_hosted_zones_by_name(DNSName=zone_name)["HostedZones"]
zone = next((z for z in zones if z["Name"] == zone_name), None)
zone_id = zone["Id"] if zone else route53.create_hosted_zone(
    Name=zone_name, CallerReference=str(uuid.uuid4())
)["HostedZone"]["Id"]
route53.change_resource_record_sets(
    HostedZoneId=zone_id,
    ChangeBatch={
        "Changes": [
            {
                "Action": "UPSERT",
                "ResourceRecordSet": {
                    "Name": name,
                    "Type": kind,
                    "TTL": 300,
                    "ResourceRecords": [{"Value": value}],
                },
            }
            for kind, name, value in changes
        ]
    },
)
print(json.dumps(made))
