#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Signed bearer tokens for the secured phases of bench/serve_load.sh (issue 15).

wrk cannot sign a token per request, and the service never accepts a `jti` twice, so the
tokens are made before the load starts: a fresh key pair (ES384 on P-384, or RS384 on a
2048-bit RSA key), its public JWKS for the server's `trusted_issuers`, and COUNT tokens with
distinct `jti`s, written round-robin into PARTS files (one per wrk thread, one token per line).
The private key stays in this process and is never written.

    serve_tokens.py --alg ES384 --count 20000 --parts 2 --iss https://ehr.bench \\
        --aud http://127.0.0.1/cds-services/mnscreen-patient-view --jwks DIR/jwks.json \\
        --out DIR/tokens

needs Debian's python3-cryptography (scripts/install-deps.sh installs it).
"""
import argparse
import base64
import json
import sys
import time
import uuid

try:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
except ImportError:
    sys.exit("serve_tokens: needs python3-cryptography (Debian package; scripts/install-deps.sh)")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def uint_bytes(n: int, size: int) -> bytes:
    return n.to_bytes(size, "big")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--alg", choices=["ES384", "RS384"], required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--parts", type=int, default=1)
    ap.add_argument("--iss", required=True)
    ap.add_argument("--aud", required=True)
    ap.add_argument("--lifetime", type=int, default=300, help="seconds (CDS Hooks asks for 5 min)")
    ap.add_argument("--jwks", required=True, help="where to write the public key set")
    ap.add_argument("--out", required=True, help="token files are OUT.0 ... OUT.<parts-1>")
    a = ap.parse_args()
    if a.count < 1 or a.parts < 1:
        ap.error("--count and --parts must be at least 1")

    kid = f"bench-{a.alg.lower()}"
    if a.alg == "ES384":
        key = ec.generate_private_key(ec.SECP384R1())
        pub = key.public_key().public_numbers()
        jwk = {"kty": "EC", "crv": "P-384", "x": b64url(uint_bytes(pub.x, 48)),
               "y": b64url(uint_bytes(pub.y, 48))}

        def sign(data: bytes) -> bytes:
            r, s = utils.decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA384())))
            return uint_bytes(r, 48) + uint_bytes(s, 48)  # JWS wants r || s, not DER
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pub = key.public_key().public_numbers()
        jwk = {"kty": "RSA", "n": b64url(uint_bytes(pub.n, 256)), "e": b64url(uint_bytes(pub.e, 3))}

        def sign(data: bytes) -> bytes:
            return key.sign(data, padding.PKCS1v15(), hashes.SHA384())
    jwk.update({"kid": kid, "use": "sig", "alg": a.alg})
    with open(a.jwks, "w", encoding="utf-8") as f:
        json.dump({"keys": [jwk]}, f)

    header = b64url(json.dumps({"alg": a.alg, "typ": "JWT", "kid": kid},
                               separators=(",", ":")).encode())
    now = int(time.time())
    outs = [open(f"{a.out}.{i}", "w", encoding="ascii") for i in range(a.parts)]
    try:
        for i in range(a.count):
            claims = {"iss": a.iss, "sub": a.iss, "aud": a.aud, "iat": now,
                      "exp": now + a.lifetime, "jti": str(uuid.uuid4())}
            signing_input = header + "." + b64url(json.dumps(claims, separators=(",", ":")).encode())
            outs[i % a.parts].write(signing_input + "." + b64url(sign(signing_input.encode())) + "\n")
    finally:
        for f in outs:
            f.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
