"""Checks every manifest that the overlays render, offline:

1. against the Kubernetes OpenAPI schemas (kubernetes-validate ships them; strict: unknown
   fields fail), for the Kubernetes version in K8S_VERSION;
2. against this platform's rules: every container has resource requests and limits, probes
   (Deployments: startup, readiness, liveness), a non-root, read-only, no-privilege security
   context; every Deployment has a PodDisruptionBudget and a HorizontalPodAutoscaler; only the
   gateway accepts traffic from outside the namespace; prod runs Triton on GPUs; every service
   serves only signed releases (trusted keys mounted from a ConfigMap, never allow-unsigned) and
   the trainer signs with a key from a Secret; the gateway authenticates callers with an issuer
   key from a ConfigMap; every service serves TLS with its certificate from a Secret (mutual TLS
   to the internal stages) and is probed on its plain-HTTP management port.

The rule functions return the problems they find; tests at the bottom show that they do find
a missing probe, limit or PDB in an otherwise valid rendering.

    k8s/validate.sh   (renders with kustomize, then runs this file with pytest)
"""
import copy
import os
import subprocess

import kubernetes_validate
import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
K8S = os.path.dirname(HERE)
KUSTOMIZE = os.environ.get("KUSTOMIZE", "kustomize")
K8S_VERSION = os.environ.get("K8S_VERSION", "1.33.0")
OVERLAYS = ["dev", "prod"]


def render(overlay):
    out = subprocess.run([KUSTOMIZE, "build", os.path.join(K8S, "overlays", overlay)], check=True,
                         capture_output=True, text=True).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def pod_spec(doc):
    if doc["kind"] == "Deployment":
        return doc["spec"]["template"]["spec"]
    if doc["kind"] == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return None


def container_problems(docs):
    problems = []
    for doc in docs:
        spec = pod_spec(doc)
        if spec is None:
            continue
        name = f'{doc["kind"]}/{doc["metadata"]["name"]}'
        if not spec.get("securityContext", {}).get("runAsNonRoot"):
            problems.append(f"{name}: pod securityContext.runAsNonRoot is not true")
        if spec.get("automountServiceAccountToken") is not False:
            problems.append(f"{name}: automountServiceAccountToken is not false")
        for c in spec["containers"]:
            where = f'{name} container {c["name"]}'
            res = c.get("resources", {})
            for kind in ("requests", "limits"):
                for r in ("cpu", "memory"):
                    if r not in res.get(kind, {}):
                        problems.append(f"{where}: no {kind}.{r}")
            sc = c.get("securityContext", {})
            if sc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation is not false")
            if sc.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: readOnlyRootFilesystem is not true")
            if "ALL" not in sc.get("capabilities", {}).get("drop", []):
                problems.append(f"{where}: capabilities are not all dropped")
            if doc["kind"] == "Deployment":
                for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                    if probe not in c:
                        problems.append(f"{where}: no {probe}")
                if "preStop" not in c.get("lifecycle", {}):
                    problems.append(f"{where}: no preStop hook (graceful drain)")
    return problems


def selects(selector, labels):
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items()) and all(
        (labels.get(e["key"]) in e["values"]) == (e["operator"] == "In") for e in selector.get("matchExpressions", []))


def deployment_problems(docs):
    problems = []
    pdbs = [d for d in docs if d["kind"] == "PodDisruptionBudget"]
    hpas = [d for d in docs if d["kind"] == "HorizontalPodAutoscaler"]
    for d in (d for d in docs if d["kind"] == "Deployment"):
        name = d["metadata"]["name"]
        labels = d["spec"]["template"]["metadata"]["labels"]
        if not any(selects(p["spec"]["selector"], labels) for p in pdbs):
            problems.append(f"Deployment/{name}: no PodDisruptionBudget selects its pods")
        if not any(h["spec"]["scaleTargetRef"]["kind"] == "Deployment" and h["spec"]["scaleTargetRef"]["name"] == name
                   for h in hpas):
            problems.append(f"Deployment/{name}: no HorizontalPodAutoscaler")
    for h in hpas:
        if h["apiVersion"] != "autoscaling/v2":
            problems.append(f'HPA/{h["metadata"]["name"]}: not autoscaling/v2')
    return problems


def network_problems(docs):
    """Only the gateway may accept ingress from anywhere; a default deny must exist."""
    problems = []
    policies = [d for d in docs if d["kind"] == "NetworkPolicy"]
    if not any(p["spec"]["podSelector"] == {} and "Ingress" in p["spec"]["policyTypes"] and not p["spec"].get("ingress")
               for p in policies):
        problems.append("no default-deny ingress NetworkPolicy")
    for p in policies:
        for rule in p["spec"].get("ingress", []):
            if not rule.get("from"):
                sel = p["spec"]["podSelector"].get("matchLabels", {})
                if sel != {"app.kubernetes.io/name": "gateway"}:
                    problems.append(f'NetworkPolicy/{p["metadata"]["name"]}: open ingress for pods other than the gateway')
    return problems


SERVICES = ("gateway", "generator", "grounding")


def container_env(docs, c):
    """A container's environment: the recsys-config ConfigMap when it reads it, then its own env."""
    env = {}
    if any("recsys-config" in e.get("configMapRef", {}).get("name", "") for e in c.get("envFrom", [])):
        for d in docs:
            if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("recsys-config"):
                env.update(d.get("data", {}))
    env.update({e["name"]: e.get("value") for e in c.get("env", [])})
    return env


def signing_problems(docs):
    """The services trust keys from a mounted ConfigMap and never serve unsigned; the trainer signs."""
    problems = []
    for doc in docs:
        spec = pod_spec(doc)
        if spec is None:
            continue
        name = f'{doc["kind"]}/{doc["metadata"]["name"]}'
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for c in spec["containers"]:
            env = container_env(docs, c)
            if str(env.get("RECSYS_ALLOW_UNSIGNED", "false")).lower() == "true":
                problems.append(f"{name}: RECSYS_ALLOW_UNSIGNED=true serves releases nobody signed")
            mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
            if doc["kind"] == "Deployment" and doc["metadata"]["name"] in SERVICES:
                keys = env.get("RECSYS_TRUSTED_KEYS")
                mount = mounts.get(keys) if keys else None
                if not keys:
                    problems.append(f"{name}: no RECSYS_TRUSTED_KEYS")
                elif not mount or not mount.get("readOnly") or "configMap" not in volumes.get(mount["name"], {}):
                    problems.append(f"{name}: RECSYS_TRUSTED_KEYS={keys} is not a read-only ConfigMap mount")
            if doc["kind"] == "CronJob" and doc["metadata"]["name"] == "trainer":
                key = env.get("RECSYS_SIGNING_KEY")
                mount = next((m for p, m in mounts.items() if key and key.startswith(p.rstrip("/") + "/")), None)
                if not mount or not mount.get("readOnly") or "secret" not in volumes.get(mount["name"], {}):
                    problems.append(f"{name}: RECSYS_SIGNING_KEY is not a file of a read-only Secret mount")
    return problems


def tls_problems(docs):
    """Every service serves TLS from a read-only Secret mount, never the plaintext profile; probes use the management port."""
    problems = []
    for d in docs:
        if d["kind"] != "Deployment" or d["metadata"]["name"] not in SERVICES:
            continue
        name = d["metadata"]["name"]
        spec = d["spec"]["template"]["spec"]
        c = spec["containers"][0]
        env = container_env(docs, c)
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        mounts = c.get("volumeMounts", [])
        if "plaintext" in str(env.get("QUARKUS_PROFILE", "")):
            problems.append(f"Deployment/{name}: QUARKUS_PROFILE={env['QUARKUS_PROFILE']} serves gRPC without TLS")
        wanted = ["RECSYS_TLS_CERT", "RECSYS_TLS_KEY"] + (["RECSYS_TLS_CA", "RECSYS_TLS_CLIENT_CERT", "RECSYS_TLS_CLIENT_KEY"]
                                                         if name == "gateway" else ["RECSYS_TLS_CLIENT_CA"])
        for var in wanted:
            path = env.get(var) or ""
            m = next((m for m in mounts if path.startswith(m["mountPath"].rstrip("/") + "/")), None)
            kinds = {"secret", "configMap"} if var.endswith("_CA") else {"secret"}
            if not m or not m.get("readOnly") or not kinds & set(volumes.get(m["name"], {})):
                problems.append(f"Deployment/{name}: {var} is not a file of a read-only {' or '.join(sorted(kinds))} mount")
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            if c.get(probe, {}).get("httpGet", {}).get("port") != "management":
                problems.append(f"Deployment/{name}: {probe} is not an HTTP probe of the management port")
    return problems


def caller_auth_problems(docs):
    """The gateway authenticates callers: the issuer key is a read-only ConfigMap mount, never mode none."""
    problems = []
    gateway = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "gateway")
    spec = gateway["spec"]["template"]["spec"]
    c = spec["containers"][0]
    env = container_env(docs, c)
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    if str(env.get("RECSYS_AUTH_MODE", "required")).lower() != "required":
        problems.append(f'Deployment/gateway: RECSYS_AUTH_MODE={env["RECSYS_AUTH_MODE"]} lets anyone call')
    key = env.get("RECSYS_JWT_PUBLIC_KEY") or ""
    mount = next((m for m in c.get("volumeMounts", []) if key.startswith(m["mountPath"].rstrip("/") + "/")), None)
    if not mount or not mount.get("readOnly") or "configMap" not in volumes.get(mount["name"], {}):
        problems.append("Deployment/gateway: RECSYS_JWT_PUBLIC_KEY is not a file of a read-only ConfigMap mount")
    if not env.get("RECSYS_JWT_ISSUER"):
        problems.append("Deployment/gateway: no RECSYS_JWT_ISSUER")
    return problems


def _in_read_only_mount(c, volumes, path, kinds):
    m = next((m for m in c.get("volumeMounts", []) if path.startswith(m["mountPath"].rstrip("/") + "/")), None)
    return bool(m and m.get("readOnly") and kinds & set(volumes.get(m["name"], {})))


TRITON_APIS = ("health", "metadata", "inference", "shared-memory", "model-config", "model-repository", "statistics",
               "trace", "logging")
TRITON_ADMIN_APIS = {"shared-memory", "model-repository", "statistics", "trace", "logging"}


def _restricted(c, args, flag, required, what):
    """Triton's --<protocol>-restricted-...=<apis>:<header>=<value>: the APIs that need the header, its value a Secret's."""
    value = args.get(flag, "")
    apis, _, header = value.partition(":")
    missing = sorted(required - set(apis.split(",")))
    problems = []
    if missing:
        problems.append(f"Deployment/triton: {what} serves {', '.join(missing)} without the admin header ({flag})")
    ref = header.partition("=")[2]
    env = {e["name"]: e for e in c.get("env", [])}
    var = ref[2:-1] if ref.startswith("$(") and ref.endswith(")") else None
    if not var or "secretKeyRef" not in env.get(var, {}).get("valueFrom", {}):
        problems.append(f"Deployment/triton: the value of {flag}'s header is not taken from a Secret")
    return problems


def triton_tls_problems(docs):
    """prod: Triton's gRPC is mutual TLS from read-only mounts, and the generator calls it with TLS and its client certificate."""
    problems = []
    triton = next((d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "triton"), None)
    if triton is None:
        return problems
    spec = triton["spec"]["template"]["spec"]
    c = spec["containers"][0]
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    args = dict(a.split("=", 1) for a in c.get("args", []) if a.startswith("--") and "=" in a)
    for flag in ("--grpc-use-ssl", "--grpc-use-ssl-mutual"):
        if args.get(flag) != "true":
            problems.append(f"Deployment/triton: {flag}=true is missing (its gRPC would be plaintext or open)")
    for flag, kinds in (("--grpc-server-cert", {"secret"}), ("--grpc-server-key", {"secret"}),
                        ("--grpc-root-cert", {"secret", "configMap"})):
        if not _in_read_only_mount(c, volumes, args.get(flag, ""), kinds):
            problems.append(f"Deployment/triton: {flag} is not a file of a read-only {' or '.join(sorted(kinds))} mount")
    problems += _restricted(c, args, "--http-restricted-api", set(TRITON_APIS) - {"health"}, "HTTP")
    problems += _restricted(c, args, "--grpc-restricted-protocol", TRITON_ADMIN_APIS, "gRPC")
    gen = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "generator")
    gspec = gen["spec"]["template"]["spec"]
    g = gspec["containers"][0]
    env = container_env(docs, g)
    gvolumes = {v["name"]: v for v in gspec.get("volumes", [])}
    if str(env.get("RECSYS_TRITON_PLAINTEXT", "false")).lower() == "true":
        problems.append("Deployment/generator: RECSYS_TRITON_PLAINTEXT=true calls Triton without TLS")
    for var in ("RECSYS_TRITON_CLIENT_CERT", "RECSYS_TRITON_CLIENT_KEY"):
        if not _in_read_only_mount(g, gvolumes, env.get(var) or "", {"secret"}):
            problems.append(f"Deployment/generator: {var} is not a file of a read-only secret mount")
    return problems


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request):
    return request.param, render(request.param)


def test_every_manifest_matches_the_kubernetes_schema(rendered):
    overlay, docs = rendered
    errors = []
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as e:
            errors.append(f'{overlay} {doc["kind"]}/{doc["metadata"]["name"]}: {e.message} at {list(e.path)}')
    assert not errors, "\n".join(errors)


def test_containers_have_limits_probes_and_a_locked_down_security_context(rendered):
    assert container_problems(rendered[1]) == []


def test_every_deployment_has_a_pdb_and_an_hpa(rendered):
    assert deployment_problems(rendered[1]) == []


def test_only_the_gateway_is_reachable_from_outside(rendered):
    assert network_problems(rendered[1]) == []


def test_services_serve_only_signed_releases_and_the_trainer_signs(rendered):
    assert signing_problems(rendered[1]) == []


def test_every_service_serves_tls(rendered):
    assert tls_problems(rendered[1]) == []


def test_the_gateway_authenticates_its_callers(rendered):
    assert caller_auth_problems(rendered[1]) == []


def test_generator_backend_per_overlay(rendered):
    overlay, docs = rendered
    gen = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "generator")
    env = {e["name"]: e.get("value") for e in gen["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["RECSYS_GENERATOR_BACKEND"] == ("in-process" if overlay == "dev" else "triton")


def test_prod_runs_triton_on_gpu_nodes():
    docs = render("prod")
    triton = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "triton")
    spec = triton["spec"]["template"]["spec"]
    c = spec["containers"][0]
    assert c["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert spec["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert any(t["key"] == "nvidia.com/gpu" for t in spec["tolerations"])
    assert "--model-repository=/artifacts/triton-repo" in c["args"]
    assert triton_tls_problems(docs) == []
    assert all(d["metadata"].get("namespace") in (None, "recsys") for d in docs)


# The rules catch what they are meant to catch: break one thing in a valid rendering.

def test_rules_catch_a_missing_probe_a_missing_limit_and_a_missing_pdb():
    docs = copy.deepcopy(render("dev"))
    gateway = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "gateway")
    del gateway["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]
    del gateway["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"]
    docs = [d for d in docs if not (d["kind"] == "PodDisruptionBudget" and d["metadata"]["name"] == "grounding")]
    assert "Deployment/gateway container gateway: no readinessProbe" in container_problems(docs)
    assert "Deployment/gateway container gateway: no limits.memory" in container_problems(docs)
    assert deployment_problems(docs) == ["Deployment/grounding: no PodDisruptionBudget selects its pods"]


def test_schema_check_catches_a_misspelt_field():
    docs = copy.deepcopy(render("dev"))
    gateway = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "gateway")
    gateway["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"grpc": {"port": 9080}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(gateway, K8S_VERSION, strict=True)


def test_network_rule_catches_an_open_internal_stage():
    docs = copy.deepcopy(render("dev"))
    docs.append({"kind": "NetworkPolicy", "metadata": {"name": "oops"}, "spec": {
        "podSelector": {"matchLabels": {"app.kubernetes.io/name": "grounding"}}, "policyTypes": ["Ingress"],
        "ingress": [{"ports": [{"port": 9082}]}]}})
    assert network_problems(docs) == ["NetworkPolicy/oops: open ingress for pods other than the gateway"]


def test_signing_rule_catches_allow_unsigned_and_a_missing_key_mount():
    docs = copy.deepcopy(render("dev"))
    grounding = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "grounding")
    grounding["spec"]["template"]["spec"]["containers"][0]["env"].append(
        {"name": "RECSYS_ALLOW_UNSIGNED", "value": "true"})
    gateway = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "gateway")
    c = gateway["spec"]["template"]["spec"]["containers"][0]
    c["volumeMounts"] = [m for m in c["volumeMounts"] if m["name"] != "release-keys"]
    assert signing_problems(docs) == [
        "Deployment/gateway: RECSYS_TRUSTED_KEYS=/etc/recsys/release-keys is not a read-only ConfigMap mount",
        "Deployment/grounding: RECSYS_ALLOW_UNSIGNED=true serves releases nobody signed"]


def test_caller_auth_rule_catches_an_open_gateway():
    docs = copy.deepcopy(render("dev"))
    gateway = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "gateway")
    gateway["spec"]["template"]["spec"]["containers"][0]["env"].append({"name": "RECSYS_AUTH_MODE", "value": "none"})
    assert caller_auth_problems(docs) == ["Deployment/gateway: RECSYS_AUTH_MODE=none lets anyone call"]


def test_tls_rule_catches_the_plaintext_profile_and_a_key_outside_a_secret():
    docs = copy.deepcopy(render("dev"))
    generator = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "generator")
    env = generator["spec"]["template"]["spec"]["containers"][0]["env"]
    env.append({"name": "QUARKUS_PROFILE", "value": "prod,plaintext"})
    next(e for e in env if e["name"] == "RECSYS_TLS_KEY")["value"] = "/tmp/tls.key"
    assert tls_problems(docs) == [
        "Deployment/generator: QUARKUS_PROFILE=prod,plaintext serves gRPC without TLS",
        "Deployment/generator: RECSYS_TLS_KEY is not a file of a read-only secret mount"]


def test_triton_tls_rule_catches_plaintext_grpc_and_a_generator_without_its_client_certificate():
    docs = copy.deepcopy(render("prod"))
    triton = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "triton")
    c = triton["spec"]["template"]["spec"]["containers"][0]
    c["args"] = [a for a in c["args"] if not a.startswith("--grpc-use-ssl-mutual")]
    generator = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "generator")
    env = generator["spec"]["template"]["spec"]["containers"][0]["env"]
    env.append({"name": "RECSYS_TRITON_PLAINTEXT", "value": "true"})
    next(e for e in env if e["name"] == "RECSYS_TRITON_CLIENT_KEY")["value"] = "/tmp/key.pem"
    assert triton_tls_problems(docs) == [
        "Deployment/triton: --grpc-use-ssl-mutual=true is missing (its gRPC would be plaintext or open)",
        "Deployment/generator: RECSYS_TRITON_PLAINTEXT=true calls Triton without TLS",
        "Deployment/generator: RECSYS_TRITON_CLIENT_KEY is not a file of a read-only secret mount"]


def test_triton_rule_catches_an_open_http_api_and_a_restriction_key_outside_a_secret():
    docs = copy.deepcopy(render("prod"))
    triton = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "triton")
    c = triton["spec"]["template"]["spec"]["containers"][0]
    c["args"] = [a.replace("metadata,inference,", "") if a.startswith("--http-restricted-api") else a
                 for a in c["args"]]
    c["args"] = [a.split(":")[0] + ":recsys-triton-admin=hunter2" if a.startswith("--grpc-restricted-protocol") else a
                 for a in c["args"]]
    assert triton_tls_problems(docs) == [
        "Deployment/triton: HTTP serves inference, metadata without the admin header (--http-restricted-api)",
        "Deployment/triton: the value of --grpc-restricted-protocol's header is not taken from a Secret"]


def test_the_cert_manager_component_issues_every_tls_secret_the_services_mount():
    # an overlay beside the real ones (kustomize wants relative paths), removed afterwards
    overlay = os.path.join(K8S, "overlays", ".with-cert-manager")
    os.makedirs(overlay, exist_ok=True)
    try:
        with open(os.path.join(overlay, "kustomization.yaml"), "w") as f:
            f.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                    "resources: [../dev]\ncomponents: [../../components/cert-manager]\n")
        out = subprocess.run([KUSTOMIZE, "build", overlay], check=True, capture_output=True, text=True).stdout
    finally:
        subprocess.run(["rm", "-rf", overlay], check=True)
    docs = [d for d in yaml.safe_load_all(out) if d]
    issued = {d["spec"]["secretName"] for d in docs if d["kind"] == "Certificate"}
    mounted = {v["secret"]["secretName"] for d in docs if d["kind"] == "Deployment"
               for v in d["spec"]["template"]["spec"].get("volumes", []) if "secret" in v
               and v["secret"]["secretName"].endswith("-tls")}
    assert mounted == {"recsys-gateway-tls", "recsys-generator-tls", "recsys-grounding-tls", "recsys-gateway-client-tls"}
    assert mounted <= issued
    client = next(d for d in docs if d["kind"] == "Certificate" and d["metadata"]["name"] == "recsys-gateway-client-tls")
    assert client["spec"]["issuerRef"]["name"] == "recsys-internal-clients-ca"
