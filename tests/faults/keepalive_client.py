"""Send two GETs on one keep-alive connection, the second after a line arrives on stdin.

Run inside the client's namespaces: python keepalive_client.py HOST PORT CAFILE PATH1 PATH2.
Prints one JSON line per step. When the reused connection fails, it retries once on a new
connection, as Go's HTTP client does for an idempotent request on a reused connection.
"""

import http.client
import json
import ssl
import sys


def connect(host, port, cafile):
    context = ssl.create_default_context(cafile=cafile)
    return http.client.HTTPSConnection(host, port, context=context, timeout=10)


def get(connection, path):
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read().decode(errors="replace")


def main():
    host, port, cafile, first, second = sys.argv[1], int(sys.argv[2]), *sys.argv[3:6]
    connection = connect(host, port, cafile)
    status, _ = get(connection, first)
    print(json.dumps({"step": "first", "status": status}), flush=True)

    sys.stdin.readline()
    try:
        status, body = get(connection, second)
        print(json.dumps({"step": "reused", "status": status, "body": body}), flush=True)
        return
    except (OSError, http.client.HTTPException) as error:
        print(json.dumps({"step": "reused", "error": type(error).__name__}), flush=True)
    connection.close()
    status, body = get(connect(host, port, cafile), second)
    print(json.dumps({"step": "new", "status": status, "body": body}), flush=True)


if __name__ == "__main__":
    main()
