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
4. Checks the monitoring against the metric catalogue (CATALOGUE below, what the functions
   emit as CloudWatch Embedded Metric Format): every alarm notifies the alarm topic, the email
   subscription exists only with an address, and every metric in namespace atsi that an alarm
   or the dashboard (rendered with the test parameters) reads is in the catalogue, with its
   dimensions; the dashboard shows every catalogued metric. Writes them as metric_references
   ({name, dimensions, where}: an alarm's logical id or "Dashboard") next to the tables.

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

# The metric catalogue (issue 5): what the functions write as CloudWatch Embedded Metric
# Format, namespace `atsi`. Every metric has the dimension Function (the Rust names);
# GreenhouseResponses also Class. Change it here, and in functions/service/src/metrics.rs,
# when the design changes, on purpose.
METRIC_NAMESPACE = "atsi"
SYNCING = frozenset({"register", "sync"})  # register runs a first sync
CATALOGUE: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "ApplicationsReceived": (frozenset({"apply"}), ("Function",)),
    "ApplicationsDelivered": (frozenset({"apply"}), ("Function",)),
    "ApplicationsRejected": (frozenset({"apply"}), ("Function",)),
    "ApplicationsFailed": (frozenset({"apply"}), ("Function",)),
    "DeliveryLatency": (frozenset({"apply"}), ("Function",)),
    "GreenhouseResponses": (frozenset({"apply"}), ("Function", "Class")),
    "CredentialsInvalid": (frozenset({"apply"}), ("Function",)),
    "SyncsRun": (SYNCING, ("Function",)),
    "SyncsFailed": (SYNCING, ("Function",)),
    "JobsAdded": (SYNCING, ("Function",)),
    "JobsUpdated": (SYNCING, ("Function",)),
    "JobsClosed": (SYNCING, ("Function",)),
    "EmployersStale": (frozenset({"sync"}), ("Function",)),
    "EmployersWithInvalidCredentials": (frozenset({"sync"}), ("Function",)),
}
GREENHOUSE_CLASSES = ("success", "rejected", "not_found", "invalid_key", "unavailable",
                      "timeout", "malformed")
ALARM_TOPIC = "AlarmTopic"
# Alarms on atsi metrics: the (metric, Function) pairs each one reads.
ATSI_ALARMS: dict[str, set[tuple[str, str]]] = {
    "DeliveryFailuresAlarm": {("ApplicationsFailed", "apply")},
    "RejectionRateAlarm": {("ApplicationsRejected", "apply"), ("ApplicationsDelivered", "apply")},
    "StaleSyncAlarm": {("EmployersStale", "sync")},
    "CredentialsRefusedAlarm": {("CredentialsInvalid", "apply")},
    "EmployersWithInvalidCredentialsAlarm": {("EmployersWithInvalidCredentials", "sync")},
}
# Alarms on AWS's own metrics: (namespace, metric names, dimension, the Ref it must name).
AWS_ALARMS: dict[str, tuple[str, set[str], str, str]] = {
    **{f"{fn}{m}Alarm": ("AWS/Lambda", {m}, "FunctionName", f"{fn}Function")
       for fn in ("Register", "Sync", "Apply") for m in ("Errors", "Throttles")},
    "Api5xxRateAlarm": ("AWS/ApiGateway", {"5xx", "Count"}, "ApiId", "Api"),
}
# No report from the scheduled sync at all is an alarm too; elsewhere no data is no news.
BREACHING_WHEN_MISSING = {"StaleSyncAlarm"}


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


def render_sub(value: Any, values: dict[str, str], where: str) -> str | None:
    """An Fn::Sub string rendered with `values` (parameters, Refs, GetAtts), or None."""
    if not isinstance(value, dict) or "Fn::Sub" not in value:
        fail(f"{where}: must be an Fn::Sub string")
        return None
    arg = value["Fn::Sub"]
    text, local = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
    missing: list[str] = []

    def one(m: re.Match[str]) -> str:
        if m.group(1):  # ${!Literal}
            return "${" + m.group(2) + "}"
        name = m.group(2)
        if name in local:
            return str(local[name])
        if name not in values:
            missing.append(name)
            return m.group(0)
        return values[name]

    out = re.sub(r"\$\{(!?)([^}]+)\}", one, text)
    if missing:
        fail(f"{where}: cannot render {sorted(set(missing))}")
        return None
    return out


def alarm_metrics(props: dict[str, Any]) -> list[tuple[Any, Any, dict[str, Any]]]:
    """(namespace, name, dimensions) of every metric an alarm reads, directly or in math."""
    found = []
    stats = [props] + [m.get("MetricStat", {}).get("Metric", {}) for m in props.get("Metrics", [])]
    for m in stats:
        if "MetricName" in m:
            dims = {d.get("Name"): d.get("Value") for d in m.get("Dimensions", []) or []}
            found.append((m.get("Namespace"), m.get("MetricName"), dims))
    return found


Shown = list[tuple[str, str, dict[str, str]]]


def dashboard_metrics(body: dict[str, Any], where: str) -> tuple[Shown, list[str]]:
    """(namespace, name, dimensions) of every metric the dashboard's widgets show (the
    `"."` shorthand repeats the row above), and the alarm ARNs its alarm widgets list."""
    found, alarms = [], []
    if not isinstance(body.get("widgets"), list):
        fail(f"{where}: no widgets")
        return found, alarms
    for i, widget in enumerate(body["widgets"]):
        props = widget.get("properties", {})
        alarms += props.get("alarms", []) if widget.get("type") == "alarm" else []
        previous: list[Any] = []
        for row in props.get("metrics", []) or []:
            if not isinstance(row, list) or not row:
                fail(f"{where}: widget {i}: metric row {json.dumps(row)} is not a list")
                continue
            parts = [p for p in row if not isinstance(p, dict)]
            if not parts:  # a math expression: its inputs are rows of their own
                continue
            parts = [previous[j] if p == "." and j < len(previous) else p
                     for j, p in enumerate(parts)]
            previous = parts
            if len(parts) < 2 or len(parts) % 2 or not all(isinstance(p, str) for p in parts):
                fail(f"{where}: widget {i}: cannot read metric row {json.dumps(row)}")
                continue
            found.append((parts[0], parts[1], dict(zip(parts[2::2], parts[3::2]))))
    return found, alarms


def check_atsi_reference(name: Any, dims: dict[str, Any], where: str) -> dict[str, Any] | None:
    """The reference as metric_references lists it, after holding it to the catalogue."""
    if name not in CATALOGUE:
        fail(f"{where}: metric {METRIC_NAMESPACE}/{name} is not in the catalogue "
             f"({', '.join(sorted(CATALOGUE))})")
        return None
    functions, want_dims = CATALOGUE[name]
    if set(dims) != set(want_dims):
        fail(f"{where}: {name} has dimensions {sorted(dims)}, "
             f"the catalogue says {sorted(want_dims)}")
    if not all(isinstance(v, str) for v in dims.values()):
        fail(f"{where}: {name}'s dimension values must be literals, are {json.dumps(dims)}")
        return None
    if "Function" in dims and dims["Function"] not in functions:
        fail(f"{where}: {name} with Function={dims['Function']}: only {sorted(functions)} emit it "
             "(Function takes the Rust names register, sync, apply)")
    if "Class" in dims and dims["Class"] not in GREENHOUSE_CLASSES:
        fail(f"{where}: {name} with Class={dims['Class']}: not one of {GREENHOUSE_CLASSES}")
    return {"name": name, "dimensions": dict(sorted(dims.items())), "where": where}


def check_monitoring(cfn: dict[str, Any], resources: dict[str, Any],
                     values: dict[str, str]) -> list[dict[str, Any]]:
    """Alarms reach the topic, the topic reaches a person, the alarms and the dashboard
    read only catalogue metrics. Returns every atsi metric reference."""
    references: list[dict[str, Any]] = []
    topic_ref = {"Ref": ALARM_TOPIC}
    if resources.get(ALARM_TOPIC, {}).get("Type") != "AWS::SNS::Topic":
        fail(f"{ALARM_TOPIC}: must be an AWS::SNS::Topic")
    subs = {k: v for k, v in resources.items() if v.get("Type") == "AWS::SNS::Subscription"}
    if set(subs) != {"AlarmEmailSubscription"}:
        fail(f"subscriptions: expected AlarmEmailSubscription, template has {sorted(subs)}")
    for sub_id, sub_res in subs.items():
        p = sub_res.get("Properties", {})
        if sub_res.get("Condition") != "HasAlarmEmail":
            fail(f"{sub_id}: must have Condition HasAlarmEmail (no address, no subscription)")
        if p.get("Protocol") != "email" or p.get("Endpoint") != {"Ref": "AlarmEmail"}:
            fail(f"{sub_id}: must be Protocol email to Endpoint !Ref AlarmEmail")
        if p.get("TopicArn") != topic_ref:
            fail(f"{sub_id}: TopicArn must be !Ref {ALARM_TOPIC}")
    empty = [{"Ref": "AlarmEmail"}, ""]
    cond = cfn.get("Conditions", {}).get("HasAlarmEmail")
    if cond not in ({"Fn::Not": [{"Fn::Equals": e}]} for e in (empty, empty[::-1])):
        fail("Conditions.HasAlarmEmail must be !Not [!Equals [!Ref AlarmEmail, \"\"]], "
             f"is {json.dumps(cond)}")
    if cfn.get("Parameters", {}).get("AlarmEmail", {}).get("Default") != "":
        fail('Parameters.AlarmEmail must default to ""')

    alarms = {k: v for k, v in resources.items() if v.get("Type") == "AWS::CloudWatch::Alarm"}
    want_alarms = set(ATSI_ALARMS) | set(AWS_ALARMS)
    if set(alarms) != want_alarms:
        fail(f"alarms: expected {sorted(want_alarms)}, template has {sorted(alarms)}")
    for alarm_id, alarm in sorted(alarms.items()):
        props = alarm.get("Properties", {})
        for key in ("AlarmActions", "OKActions"):
            if topic_ref not in as_list(props.get(key, [])):
                fail(f"{alarm_id}: {key} must include !Ref {ALARM_TOPIC}")
        missing = "breaching" if alarm_id in BREACHING_WHEN_MISSING else "notBreaching"
        if props.get("TreatMissingData") != missing:
            fail(f"{alarm_id}: TreatMissingData must be {missing}")
        read: set[tuple[str, str]] = set()
        others: set[tuple[Any, Any, str]] = set()
        for ns, name, dims in alarm_metrics(props):
            if ns == METRIC_NAMESPACE:
                ref = check_atsi_reference(name, dims, alarm_id)
                if ref:
                    references.append(ref)
                    read.add((name, dims.get("Function")))
            else:
                others.add((ns, name, json.dumps(dims, sort_keys=True)))
        if alarm_id in ATSI_ALARMS:
            if read != ATSI_ALARMS[alarm_id] or others:
                fail(f"{alarm_id}: reads {sorted(read)} {sorted(others)}, "
                     f"design says {sorted(ATSI_ALARMS[alarm_id])}")
        elif alarm_id in AWS_ALARMS:
            ns, names, dim, target = AWS_ALARMS[alarm_id]
            want = {(ns, n, json.dumps({dim: {"Ref": target}})) for n in names}
            if others != want or read:
                fail(f"{alarm_id}: reads {sorted(others)} {sorted(read)}, "
                     f"design says {sorted(want)}")

    # The dashboard, rendered as deployed with the test parameters.
    dashboards = {k: v for k, v in resources.items()
                  if v.get("Type") == "AWS::CloudWatch::Dashboard"}
    if set(dashboards) != {"Dashboard"}:
        fail(f"dashboards: expected Dashboard, template has {sorted(dashboards)}")
        return references
    text = render_sub(dashboards["Dashboard"].get("Properties", {}).get("DashboardBody"),
                      values, "Dashboard.DashboardBody")
    if text is None:
        return references
    try:
        body = json.loads(text)
    except json.JSONDecodeError as e:
        fail(f"Dashboard.DashboardBody: not JSON once rendered: {e}")
        return references
    shown, listed_alarms = dashboard_metrics(body, "Dashboard")
    covered: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    aws_shown: set[tuple[str, str, str]] = set()
    for ns, name, dims in shown:
        if ns == METRIC_NAMESPACE:
            ref = check_atsi_reference(name, dims, "Dashboard")
            if ref:
                references.append(ref)
                covered.add((name, tuple(sorted(dims.items()))))
        else:
            aws_shown |= {(ns, name, f"{k}={v}") for k, v in dims.items()}
    for name, (functions, dims) in CATALOGUE.items():
        for fn in sorted(functions):
            classes = GREENHOUSE_CLASSES if "Class" in dims else (None,)
            for cls in classes:
                want = {"Function": fn, **({"Class": cls} if cls else {})}
                if (name, tuple(sorted(want.items()))) not in covered:
                    fail(f"Dashboard: does not show {name} {json.dumps(want)}")
    for fn in ("RegisterFunction", "SyncFunction", "ApplyFunction"):
        for m in ("Errors", "Throttles"):
            if ("AWS/Lambda", m, f"FunctionName={values[fn]}") not in aws_shown:
                fail(f"Dashboard: does not show AWS/Lambda {m} of {fn}")
    if ("AWS/ApiGateway", "5xx", f"ApiId={values['Api']}") not in aws_shown:
        fail("Dashboard: does not show AWS/ApiGateway 5xx of Api")
    want_listed = {values[f"{a}.Arn"] for a in alarms}
    if set(listed_alarms) != want_listed:
        fail(f"Dashboard: its alarm widgets list {len(set(listed_alarms))} alarms, "
             f"the template has {len(want_listed)}")

    unique = {json.dumps(r, sort_keys=True): r for r in references}
    return sorted(unique.values(),
                  key=lambda r: (r["where"], r["name"], json.dumps(r["dimensions"])))


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
            "ATSI_SYNC_STALE_AFTER_SECS": {"Ref": "SyncStaleAfterSeconds"},
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

    # Monitoring: what an Fn::Sub sees, with the test parameters and fake physical ids.
    values = {name: str(p.get("Default", "")) for name, p in cfn.get("Parameters", {}).items()}
    values.update(params)
    for logical_id, res in resources.items():
        values[logical_id] = f"atsi-{STAGE}-{logical_id}"
        service = res.get("Type", "::").split("::")[1].lower()
        values[f"{logical_id}.Arn"] = f"arn:aws:{service}:{REGION}:{ACCOUNT}:{logical_id}"
    metric_references = check_monitoring(cfn, resources, values)

    if errors:
        for e in errors:
            print(f"{template_path}: {e}", file=sys.stderr)
        return 1
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}")
    tmp.write_text(json.dumps({"template": str(template_path), "stage": STAGE, "tables": specs,
                               "function_environment": function_env,
                               "metric_references": metric_references},
                              indent=2) + "\n")
    tmp.replace(out_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
