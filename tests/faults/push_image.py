"""Push a one-layer image to a plain-HTTP registry and print its digests as JSON.

Run inside the registry's network namespace: python push_image.py URL REPOSITORY TAG SIZE.
Uses only the standard library, so it runs under any interpreter without the project.
"""

import hashlib
import json
import os
import sys
import urllib.request

SCHEMA2 = "application/vnd.docker.distribution.manifest.v2+json"


def request(method, url, data=None, headers=None):
    call = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(call, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


def push_blob(base, repository, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    _, headers, _ = request("POST", f"{base}/v2/{repository}/blobs/uploads/")
    location = headers["Location"]
    if location.startswith("/"):
        location = base + location
    separator = "&" if "?" in location else "?"
    request("PUT", f"{location}{separator}digest={digest}", data,
            {"Content-Type": "application/octet-stream"})
    return digest


def main():
    base, repository, tag, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    layer = os.urandom(size)
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": []}}).encode()
    layer_digest = push_blob(base, repository, layer)
    config_digest = push_blob(base, repository, config)
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": SCHEMA2,
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "size": len(config), "digest": config_digest},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": len(layer), "digest": layer_digest}],
    }).encode()
    _, headers, _ = request("PUT", f"{base}/v2/{repository}/manifests/{tag}", manifest,
                            {"Content-Type": SCHEMA2})
    print(json.dumps({"manifest_digest": headers["Docker-Content-Digest"],
                      "layer_digest": layer_digest, "layer_size": size}))


if __name__ == "__main__":
    main()
