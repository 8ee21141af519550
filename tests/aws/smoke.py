#!/usr/bin/env python3
"""Proves the AWS protocol servers that ./tests/run started before the Rust suite uses them.

On DynamoDB Local and on moto: creates every table of tables.json (unique names), turns on
its TTL, does a conditional PutItem that must fail with ConditionalCheckFailedException
(and hand back the old item), a transaction that must be cancelled, and queries each GSI
(open-jobs must be sparse). On moto: creates, reads, updates and deletes a secret under
the atsi/<stage>/greenhouse/ prefix. Every table it made is deleted again.

Usage: smoke.py TABLES_JSON  (endpoints from ATSI_TEST_MOTO_ENDPOINT and
ATSI_TEST_DYNAMODB_LOCAL_ENDPOINT; region and credentials from the AWS_* variables)
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

CONFIG = Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5,
                read_timeout=20)


def error_code(e: ClientError) -> str:
    return e.response.get("Error", {}).get("Code", "")


def expect_error(code: str, what: str, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except ClientError as e:
        if error_code(e) != code:
            raise AssertionError(f"{what}: expected {code}, got {error_code(e)}: {e}") from e
        return e
    raise AssertionError(f"{what}: expected {code}, the call succeeded")


def check_dynamodb(name: str, endpoint: str, specs: list[dict]) -> None:
    ddb = boto3.client("dynamodb", endpoint_url=endpoint, config=CONFIG)
    run = uuid.uuid4().hex[:8]
    created: dict[str, str] = {}
    try:
        for spec in specs:
            req = dict(spec["create_table"])
            req["TableName"] = f"smoke-{run}-{req['TableName']}"
            ddb.create_table(**req)
            created[spec["logical_id"]] = req["TableName"]
        for logical_id, table in created.items():
            ddb.get_waiter("table_exists").wait(
                TableName=table, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
            ttl = next(s["ttl_attribute"] for s in specs if s["logical_id"] == logical_id)
            if ttl:
                ddb.update_time_to_live(
                    TableName=table,
                    TimeToLiveSpecification={"AttributeName": ttl, "Enabled": True})
                got = ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
                assert got.get("AttributeName") == ttl, f"{name}: TTL {got}"

        employers, jobs, apps = (created[k] for k in ("EmployersTable", "JobsTable", "ApplicationsTable"))
        first = {"employer_id": {"S": "northwind"}, "board_token": {"S": "northwindtraders"}}
        ddb.put_item(TableName=employers, Item=first,
                     ConditionExpression="attribute_not_exists(employer_id)")
        e = expect_error(
            "ConditionalCheckFailedException", f"{name}: conditional PutItem", ddb.put_item,
            TableName=employers, Item={**first, "board_token": {"S": "other"}},
            ConditionExpression="attribute_not_exists(employer_id)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD")
        old = e.response.get("Item")
        assert old == first, f"{name}: ReturnValuesOnConditionCheckFailure gave {old}"
        e = expect_error(
            "TransactionCanceledException", f"{name}: TransactWriteItems", ddb.transact_write_items,
            TransactItems=[
                {"Put": {"TableName": jobs, "Item": {"employer_id": {"S": "northwind"},
                                                     "job_id": {"N": "1"}}}},
                {"ConditionCheck": {"TableName": employers, "Key": {"employer_id": {"S": "northwind"}},
                                    "ConditionExpression": "attribute_not_exists(employer_id)"}},
            ])
        reasons = [r.get("Code") for r in e.response.get("CancellationReasons", [])]
        assert reasons == ["None", "ConditionalCheckFailed"], f"{name}: cancellation reasons {reasons}"

        for job_id, is_open in ((4012345001, True), (4012345002, False), (4012345003, True)):
            item = {"employer_id": {"S": "northwind"}, "job_id": {"N": str(job_id)}}
            if is_open:
                item["open_employer_id"] = {"S": "northwind"}
            ddb.put_item(TableName=jobs, Item=item)
        got = ddb.query(TableName=jobs, IndexName="open-jobs",
                        KeyConditionExpression="open_employer_id = :e",
                        ExpressionAttributeValues={":e": {"S": "northwind"}})
        ids = [int(i["job_id"]["N"]) for i in got["Items"]]
        assert ids == [4012345001, 4012345003], f"{name}: open-jobs index gave {ids}"

        expires = str(int(time.time()) + 90 * 86400)
        for n, at in enumerate(("2026-12-03T16:51:11.576Z", "2026-12-03T16:50:00.000Z")):
            ddb.put_item(TableName=apps, Item={
                "pk": {"S": f"app#{n}"}, "employer_id": {"S": "northwind"},
                "received_at": {"S": at}, "expires_at": {"N": expires}})
        ddb.put_item(TableName=apps, Item={"pk": {"S": "idem#northwind#key-1"},
                                           "expires_at": {"N": expires}})
        got = ddb.query(TableName=apps, IndexName="by-employer",
                        KeyConditionExpression="employer_id = :e",
                        ExpressionAttributeValues={":e": {"S": "northwind"}},
                        ScanIndexForward=False)
        order = [i["pk"]["S"] for i in got["Items"]]
        assert order == ["app#0", "app#1"], f"{name}: by-employer index gave {order}"
        scanned = ddb.scan(TableName=employers, Limit=1)
        assert scanned["Count"] == 1, f"{name}: scan gave {scanned}"
    finally:
        for table in created.values():
            try:
                ddb.delete_table(TableName=table)
            except ClientError as e:
                print(f"smoke: {name}: could not delete {table}: {e}", file=sys.stderr)


def check_secrets(endpoint: str) -> None:
    sm = boto3.client("secretsmanager", endpoint_url=endpoint, config=CONFIG)
    name = f"atsi/test/greenhouse/northwind/{uuid.uuid4()}"
    created = sm.create_secret(Name=name, SecretString="key-1",
                               Tags=[{"Key": "employer_id", "Value": "northwind"}])
    try:
        assert created["ARN"].split(":secret:", 1)[1].startswith(name + "-"), created["ARN"]
        assert sm.get_secret_value(SecretId=name)["SecretString"] == "key-1"
        sm.put_secret_value(SecretId=created["ARN"], SecretString="key-2")
        assert sm.get_secret_value(SecretId=created["ARN"])["SecretString"] == "key-2"
        sm.describe_secret(SecretId=name)
    finally:
        sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    expect_error("ResourceNotFoundException", "GetSecretValue after delete",
                 sm.get_secret_value, SecretId=name)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    specs = json.load(open(sys.argv[1]))["tables"]
    servers = {"DynamoDB Local": os.environ["ATSI_TEST_DYNAMODB_LOCAL_ENDPOINT"],
               "moto": os.environ["ATSI_TEST_MOTO_ENDPOINT"]}
    failed = False
    for name, endpoint in servers.items():
        try:
            check_dynamodb(name, endpoint, specs)
        except Exception as e:
            print(f"smoke: {name} ({endpoint}) DynamoDB: {type(e).__name__}: {e}", file=sys.stderr)
            failed = True
    try:
        check_secrets(servers["moto"])
    except Exception as e:
        print(f"smoke: moto Secrets Manager: {type(e).__name__}: {e}", file=sys.stderr)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
