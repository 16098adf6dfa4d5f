"""Stands in for the `docker` CLI in the rehearsal (no Docker engine here).

An "image" is the release binary the Dockerfile would copy in (`$REHEARSAL_IMAGE_BINARY`), so the
endpoint later runs exactly that binary. The registry side is ECR in moto, called with the
caller's own AWS credentials: `push` asks for every action a real push needs
(`BatchCheckLayerAvailability`, `InitiateLayerUpload`, `UploadLayerPart`, `CompleteLayerUpload`,
`PutImage`) and `pull` for `BatchGetImage` and `GetDownloadUrlForLayer`, so a deployer policy that
lacks one fails here as it would at ECR. moto does not implement the layer calls, but it checks
the permission before it finds that out: its "not implemented" answer means "allowed".

`push` and `pull` need an earlier `login` to the registry, as Docker does. State (images, logins)
lives in `$REHEARSAL_STATE/docker.json`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

LOGIN_HOURS = 12  # an ECR authorization token is valid for 12 hours


class DockerError(RuntimeError):
    pass


def _state_file(state: Path | None = None) -> Path:
    return (state or Path(os.environ["REHEARSAL_STATE"])) / "docker.json"


def load_state(state: Path | None = None) -> dict:
    """Images (by reference) and registry logins; `state` is the rehearsal's state directory."""
    path = _state_file(state)
    return json.loads(path.read_text()) if path.exists() else {"images": {}, "logins": {}}


def _save(state: dict) -> None:
    _state_file().write_text(json.dumps(state, indent=1))


def _ecr(region_from_host: str):
    import boto3
    from botocore.config import Config

    return boto3.client("ecr", region_name=region_from_host, config=Config(retries={"max_attempts": 1}))


def _split(reference: str) -> tuple[str, str, str]:
    """`host/repository:tag` → (host, repository, tag)."""
    host, _, rest = reference.partition("/")
    repository, _, tag = rest.rpartition(":")
    if not host or not repository or not tag:
        raise DockerError(f"invalid reference format: {reference}")
    return host, repository, tag


def _region(host: str) -> str:
    # <account>.dkr.ecr.<region>.amazonaws.com
    parts = host.split(".")
    if len(parts) < 6 or parts[1:3] != ["dkr", "ecr"]:
        raise DockerError(f"{host} is not an ECR registry")
    return parts[3]


def _allowed(call, **arguments) -> None:
    """Calls an ECR action moto checks but does not implement: AccessDenied fails, the rest passes."""
    from botocore.exceptions import ClientError

    try:
        call(**arguments)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in ("AccessDenied", "AccessDeniedException", "UnrecognizedClientException",
                    "InvalidSignatureException") or status == 403:
            raise DockerError(f"denied: {error}") from None
        if status != 500:
            raise


def _logged_in(state: dict, host: str) -> None:
    since = state["logins"].get(host)
    if since is None or time.time() - since > LOGIN_HOURS * 3600:
        raise DockerError(f"no basic auth credentials: run `docker login` for {host} first "
                          "(an ECR login lasts 12 hours)")


def build(args: list[str]) -> None:
    options, context = _options(args, {"--tag", "-t", "--platform", "--label", "--file", "-f"}, {"--pull"})
    if not options.get("--tag") and not options.get("-t"):
        raise DockerError("build: give --tag")
    if options.get("--platform") != ["linux/amd64"]:
        raise DockerError("build: SageMaker instances are linux/amd64: pass --platform linux/amd64")
    if not (Path(context) / "Dockerfile").is_file():
        raise DockerError(f"build: no Dockerfile in {context}")
    binary = Path(os.environ["REHEARSAL_IMAGE_BINARY"])
    if not binary.is_file():
        raise DockerError(f"build: the release binary {binary} is missing (make check-release)")
    digest = hashlib.sha256()
    digest.update((Path(context) / "Dockerfile").read_bytes())
    with open(binary, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    state = load_state()
    image = {"id": "sha256:" + digest.hexdigest(), "binary": str(binary),
             "labels": dict(label.split("=", 1) for label in options.get("--label", []))}
    names = options.get("--tag", []) + options.get("-t", [])
    for name in names:
        state["images"][name] = image
    _save(state)
    print(f"#1 [internal] load build definition from Dockerfile\n#2 naming to {', '.join(names)} done\n"
          f"Successfully built {image['id'][7:19]} (stand-in: {binary.name})")


def login(args: list[str]) -> None:
    options, registry = _options(args, {"--username", "-u"}, {"--password-stdin"})
    if "--password-stdin" not in options:
        raise DockerError("login: pass the password on stdin (--password-stdin), never as an argument")
    password = sys.stdin.read().strip()
    if not password:
        raise DockerError("login: empty password on stdin")
    _region(registry)
    state = load_state()
    state["logins"][registry] = time.time()
    _save(state)
    print("Login Succeeded")


def tag(args: list[str]) -> None:
    source, target = args
    state = load_state()
    if source not in state["images"]:
        raise DockerError(f"No such image: {source}")
    state["images"][target] = state["images"][source]
    _save(state)


def push(args: list[str]) -> None:
    (reference,) = args
    state = load_state()
    image = state["images"].get(reference)
    if image is None:
        raise DockerError(f"An image does not exist locally with the tag: {reference}")
    host, repository, tag_name = _split(reference)
    _logged_in(state, host)
    ecr = _ecr(_region(host))
    layer = "sha256:" + hashlib.sha256(image["id"].encode()).hexdigest()
    _allowed(ecr.batch_check_layer_availability, repositoryName=repository, layerDigests=[layer])
    _allowed(ecr.initiate_layer_upload, repositoryName=repository)
    _allowed(ecr.upload_layer_part, repositoryName=repository, uploadId="rehearsal", partFirstByte=0,
             partLastByte=0, layerPartBlob=b"\0")
    _allowed(ecr.complete_layer_upload, repositoryName=repository, uploadId="rehearsal", layerDigests=[layer])
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023, "digest": image["id"]},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1024, "digest": layer}],
    })
    try:
        pushed = ecr.put_image(repositoryName=repository, imageManifest=manifest, imageTag=tag_name)["image"]
    except ecr.exceptions.ClientError as error:
        raise DockerError(f"push {reference}: {error}") from None
    state["images"][reference] = {**image, "digest": pushed["imageId"]["imageDigest"]}
    _save(state)
    print(f"{tag_name}: digest: {pushed['imageId']['imageDigest']} size: 1024")


def pull(args: list[str]) -> None:
    (reference,) = args
    host, repository, tag_name = _split(reference)
    state = load_state()
    _logged_in(state, host)
    ecr = _ecr(_region(host))
    found = ecr.batch_get_image(repositoryName=repository, imageIds=[{"imageTag": tag_name}])
    if not found.get("images"):
        raise DockerError(f"manifest for {reference} not found: manifest unknown")
    manifest = json.loads(found["images"][0]["imageManifest"])
    for layer in manifest.get("layers", []):
        _allowed(ecr.get_download_url_for_layer, repositoryName=repository, layerDigest=layer["digest"])
    image = next((i for ref, i in state["images"].items() if i["id"] == manifest["config"]["digest"]), None)
    if image is None:
        raise DockerError(f"{reference}: this rehearsal never built that image")
    state["images"][reference] = image
    _save(state)
    print(f"{tag_name}: Pulling from {repository}\nStatus: Downloaded newer image for {reference}")


def _options(args: list[str], valued: set[str], flags: set[str]) -> tuple[dict[str, list], str]:
    options: dict[str, list] = {}
    positional: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg in valued:
            options.setdefault(arg, []).append(args[index + 1])
            index += 2
            continue
        if arg in flags:
            options[arg] = []
        elif arg.startswith("-"):
            raise DockerError(f"unknown flag: {arg}")
        else:
            positional.append(arg)
        index += 1
    if len(positional) != 1:
        raise DockerError(f"expected one argument, got {positional}")
    if "--platform" in options:
        options["--platform"] = options["--platform"][-1:]
    return options, positional[0]


COMMANDS = {"build": build, "login": login, "tag": tag, "push": push, "pull": pull}


def main(argv: list[str]) -> int:
    with open(Path(os.environ["REHEARSAL_STATE"]) / "commands.log", "a") as log:
        log.write(json.dumps({"tool": "docker", "argv": argv}) + "\n")
    if not argv or argv[0] not in COMMANDS:
        print(f"docker (rehearsal stand-in): unsupported command {argv[:1]}", file=sys.stderr)
        return 125
    try:
        COMMANDS[argv[0]](argv[1:])
    except DockerError as error:
        print(f"Error response from daemon: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
