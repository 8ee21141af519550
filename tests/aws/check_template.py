#!/usr/bin/env python3
"""Checks template.yaml offline and derives the tables the Rust tests create.

1. Runs the AWS SAM transform (aws-sam-translator, the code CloudFormation runs for
   `Transform: AWS::Serverless-2016-10-31`) with a fake region and account: any error fails.
2. Checks what the transformed template grants and configures against atsi's design:
   every function's environment, each function's least-privilege policies (which tables,
   which Secrets Manager actions on which prefix), and the tables' billing, PITR and SSE.
3. Writes tables.json: for each AWS::DynamoDB::Table, its logical id, the function
   environment variable that names it, its CreateTable input in the SDK's JSON shape
   (AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode; TableName rendered
   for Stage=test) and its TTL attribute, so tests create tables exactly as deployed.

Usage: check_template.py TEMPLATE OUT_JSON
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")

from samtranslator.model.exceptions import InvalidDocumentException  # noqa: E402
from samtranslator.translator.transform import transform  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402

REGION = "eu-west-1"
ACCOUNT = "123456789012"
STAGE = "test"

# The design (issue 3). Change it here when the design changes, on purpose.
TABLES = {
    "EmployersTable": ("ATSI_EMPLOYERS_TABLE", "employers"),
    "JobsTable": ("ATSI_JOBS_TABLE", "jobs"),
    "ApplicationsTable": ("ATSI_APPLICATIONS_TABLE", "applications"),
}
SECRET_PREFIX_SUB = "atsi/${Stage}/greenhouse"
SECRET_ARN_SUB = (
    "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:"
    "secret:atsi/${Stage}/greenhouse/*"
)
ACCESS = {
    "RegisterFunction": (
        {"EmployersTable", "JobsTable"},
        {
            "secretsmanager:CreateSecret",
            "secretsmanager:GetSecretValue",
            "secretsmanager:PutSecretValue",
            "secretsmanager:DeleteSecret",
            "secretsmanager:DescribeSecret",
            "secretsmanager:TagResource",
        },
    ),
    "SyncFunction": ({"EmployersTable", "JobsTable"}, set()),
    "ApplyFunction": (
        {"EmployersTable", "JobsTable", "ApplicationsTable"},
        {"secretsmanager:GetSecretValue"},
    ),
}
# What a function needs on each table it uses (items, conditions, transactions, indexes).
CRUD = {
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "dynamodb:BatchWriteItem",
}
FORBIDDEN_ENV = {"ATSI_DATA_DIR", "AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH"}


class _NoManagedPolicies:
    """Managed policy names would need IAM to resolve: the template uses none by name."""

    def load(self) -> dict[str, str]:
        return {}


errors: list[str] = []


def fail(msg: str) -> None:
    errors.append(msg)


def refs(value: Any) -> set[str]:
    """Every logical id a (possibly nested) intrinsic expression refers to."""
    found: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "Ref" and isinstance(v, str):
                found.add(v)
            else:
                found |= refs(v)
    elif isinstance(value, list):
        for v in value:
            found |= refs(v)
    return found


def plain(value: Any, where: str) -> Any:
    """The value, which must hold no intrinsic function (CreateTable takes literals)."""
    text = json.dumps(value)
    if re.search(r'"(Ref|Fn::[A-Za-z]+)"', text):
        fail(f"{where}: must be a literal for tests to reproduce it, got {text}")
    return value


def sub(value: Any, params: dict[str, str], where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):
        text = value["Fn::Sub"]
        out = re.sub(r"\$\{([^}]+)\}", lambda m: params.get(m.group(1), m.group(0)), text)
        if "${" not in out:
            return out
    fail(f"{where}: cannot render {json.dumps(value)}")
    return ""


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    template_path, out_path = Path(sys.argv[1]), Path(sys.argv[2])
    try:
        sam = yaml_parse(template_path.read_text())
    except Exception as e:  # a YAML error names line and column
        print(f"{template_path}: not valid YAML: {e}", file=sys.stderr)
        return 1
    if not isinstance(sam, dict):
        print(f"{template_path}: not a template", file=sys.stderr)
        return 1

    # `sam package` uploads local code and puts its S3 location in CodeUri before the
    # transform runs; do the same with a fake location.
    for logical_id, res in sam.get("Resources", {}).items():
        props = res.get("Properties") if isinstance(res, dict) else None
        if res.get("Type") == "AWS::Serverless::Function" and isinstance(props, dict):
            uri = props.get("CodeUri")
            if isinstance(uri, str) and not uri.startswith("s3://"):
                props["CodeUri"] = f"s3://atsi-artifacts/{logical_id}.zip"

    params = {"Stage": STAGE, "AWS::Region": REGION, "AWS::AccountId": ACCOUNT,
              "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com",
              "AWS::StackName": f"atsi-{STAGE}"}
    try:
        cfn = transform(json.loads(json.dumps(sam)), dict(params), _NoManagedPolicies())
    except InvalidDocumentException as e:
        for cause in e.causes:
            print(f"{template_path}: SAM transform: {cause.message}", file=sys.stderr)
        return 1
    except Exception as e:
        print(f"{template_path}: SAM transform failed: {type(e).__name__}: {e}", file=sys.stderr)
        return 1

    resources: dict[str, Any] = cfn.get("Resources", {})
    text = json.dumps(cfn)
    for name in FORBIDDEN_ENV:
        if name in text:
            fail(f"{name} must not be set anywhere in the template")

    # Tables.
    tables = {k: v for k, v in resources.items() if v.get("Type") == "AWS::DynamoDB::Table"}
    if set(tables) != set(TABLES):
        fail(f"tables: expected {sorted(TABLES)}, template has {sorted(tables)}")
    specs = []
    for logical_id in sorted(tables):
        props = tables[logical_id].get("Properties", {})
        where = f"{logical_id}"
        env_var, suffix = TABLES.get(logical_id, (None, None))
        if suffix and props.get("TableName") != {"Fn::Sub": f"atsi-${{Stage}}-{suffix}"}:
            fail(f"{where}: TableName must be !Sub atsi-${{Stage}}-{suffix}")
        if props.get("BillingMode") != "PAY_PER_REQUEST":
            fail(f"{where}: BillingMode must be PAY_PER_REQUEST")
        pitr = props.get("PointInTimeRecoverySpecification", {})
        if pitr.get("PointInTimeRecoveryEnabled") is not True:
            fail(f"{where}: point-in-time recovery must be enabled")
        if props.get("SSESpecification", {}).get("SSEEnabled") is not True:
            fail(f"{where}: SSE must be enabled")
        create: dict[str, Any] = {
            "TableName": sub(props.get("TableName", logical_id), params, where),
            "AttributeDefinitions": plain(props.get("AttributeDefinitions"), where),
            "KeySchema": plain(props.get("KeySchema"), where),
        }
        gsis = []
        for gsi in props.get("GlobalSecondaryIndexes", []) or []:
            g = {k: gsi[k] for k in ("IndexName", "KeySchema", "Projection") if k in gsi}
            if "ProvisionedThroughput" in gsi:
                g["ProvisionedThroughput"] = gsi["ProvisionedThroughput"]
            gsis.append(plain(g, f"{where}.GlobalSecondaryIndexes"))
        if gsis:
            create["GlobalSecondaryIndexes"] = gsis
        if props.get("LocalSecondaryIndexes"):
            create["LocalSecondaryIndexes"] = plain(props["LocalSecondaryIndexes"], where)
        create["BillingMode"] = props.get("BillingMode", "PROVISIONED")
        if "ProvisionedThroughput" in props:
            create["ProvisionedThroughput"] = plain(props["ProvisionedThroughput"], where)
        ttl = props.get("TimeToLiveSpecification")
        ttl_attribute = None
        if ttl and ttl.get("Enabled") is True:
            ttl_attribute = plain(ttl.get("AttributeName"), f"{where}.TimeToLiveSpecification")
        # Every key attribute is defined, and every definition is a key (CloudFormation's rule).
        defined = {a["AttributeName"] for a in create["AttributeDefinitions"] or []}
        keys = {k["AttributeName"] for k in create["KeySchema"] or []}
        for g in gsis:
            keys |= {k["AttributeName"] for k in g.get("KeySchema", [])}
        if defined != keys:
            fail(f"{where}: AttributeDefinitions {sorted(defined)} != key attributes {sorted(keys)}")
        specs.append({"logical_id": logical_id, "env_var": env_var, "create_table": create,
                      "ttl_attribute": ttl_attribute})

    # Functions: environment and policies.
    functions = {k: v for k, v in resources.items() if v.get("Type") == "AWS::Lambda::Function"}
    if set(functions) != set(ACCESS):
        fail(f"functions: expected {sorted(ACCESS)}, template has {sorted(functions)}")
    function_env: dict[str, list[str]] = {}
    for fn_id, fn in sorted(functions.items()):
        props = fn.get("Properties", {})
        env = props.get("Environment", {}).get("Variables", {})
        function_env[fn_id] = sorted(env)
        want = {
            "ATSI_STORE": "dynamodb",
            "ATSI_SECRET_PREFIX": {"Fn::Sub": SECRET_PREFIX_SUB},
            **{var: {"Ref": table} for table, (var, _) in TABLES.items()},
        }
        for var, value in want.items():
            if env.get(var) != value:
                fail(f"{fn_id}: env {var} must be {json.dumps(value)}, is {json.dumps(env.get(var))}")
        for var in ("GREENHOUSE_BASE_URL", "RUST_LOG"):
            if var not in env:
                fail(f"{fn_id}: env {var} missing")
        if "ReservedConcurrentExecutions" in props:
            fail(f"{fn_id}: reserves concurrency (it must not)")
        role_ref = props.get("Role", {}).get("Fn::GetAtt", [None])[0]
        role = resources.get(role_ref, {}).get("Properties", {})
        if not role:
            fail(f"{fn_id}: no generated execution role")
            continue
        for arn in role.get("ManagedPolicyArns", []):
            if "AWSLambdaBasicExecutionRole" not in json.dumps(arn):
                fail(f"{fn_id}: unexpected managed policy {json.dumps(arn)}")
        want_tables, want_secrets = ACCESS.get(fn_id, (set(), set()))
        table_actions: dict[str, set[str]] = {t: set() for t in TABLES}
        index_query: set[str] = set()
        secret_actions: set[str] = set()
        for policy in role.get("Policies", []):
            for st in as_list(policy.get("PolicyDocument", {}).get("Statement", [])):
                if st.get("Effect") != "Allow":
                    continue
                actions = {a for a in as_list(st.get("Action", []))}
                res = as_list(st.get("Resource", []))
                if "*" in res or any(a.endswith("*") and ":" not in a[:-1] for a in actions):
                    fail(f"{fn_id}: statement with a wildcard: {json.dumps(st)}")
                for a in actions:
                    if a.startswith("dynamodb:"):
                        targets = refs(res)
                        if not targets or not targets <= set(TABLES):
                            fail(f"{fn_id}: {a} on {json.dumps(res)}: not one of the tables")
                        for t in targets & set(TABLES):
                            table_actions[t].add(a)
                            if a == "dynamodb:Query" and "/index/*" in json.dumps(res):
                                index_query.add(t)
                    elif a.startswith("secretsmanager:"):
                        if res != [{"Fn::Sub": SECRET_ARN_SUB}]:
                            fail(f"{fn_id}: {a} must be limited to {SECRET_ARN_SUB}, is {json.dumps(res)}")
                        secret_actions.add(a)
                    else:
                        fail(f"{fn_id}: unexpected action {a}")
        used = {t for t, a in table_actions.items() if a}
        if used != want_tables:
            fail(f"{fn_id}: has access to tables {sorted(used)}, design says {sorted(want_tables)}")
        for t in want_tables:
            if missing := CRUD - table_actions[t]:
                fail(f"{fn_id}: on {t} lacks {sorted(missing)}")
            if tables.get(t, {}).get("Properties", {}).get("GlobalSecondaryIndexes") and t not in index_query:
                fail(f"{fn_id}: cannot query {t}'s indexes")
        if secret_actions != want_secrets:
            fail(f"{fn_id}: Secrets Manager actions {sorted(secret_actions)}, design says {sorted(want_secrets)}")

    if errors:
        for e in errors:
            print(f"{template_path}: {e}", file=sys.stderr)
        return 1
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}")
    tmp.write_text(json.dumps({"template": str(template_path), "stage": STAGE, "tables": specs,
                               "function_environment": function_env},
                              indent=2) + "\n")
    tmp.replace(out_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
