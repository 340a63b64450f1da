#!/usr/bin/env python3
"""Computes the test vectors of docs/FORMAT.md with an implementation independent of Attaché's
(pyca/cryptography), so that FormatVectorsTest checks the Java code against a second opinion."""
import hashlib
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives import hashes

def hkdf(ikm, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(ikm)

def aad(content_id, chunk, seg, last):
    return bytes([1]) + content_id + chunk.to_bytes(8, 'big') + seg.to_bytes(4, 'big') + bytes([1 if last else 0])

def seal(key, content_id, chunk, seg, last, nonce, plain):
    return nonce + AESGCM(key).encrypt(nonce, plain, aad(content_id, chunk, seg, last))

master = bytes(range(32))
content_id = bytes(range(0xa0, 0xb0))
data_key = bytes(range(0x40, 0x60))
print("key-id          ", hkdf(master, b"attache/v1/key-id")[:16].hex())
print("wrap-key        ", hkdf(master, b"attache/v1/key-wrap").hex())
print("backup-key      ", hkdf(master, b"attache/v1/metadata-backup").hex())

n1 = bytes(range(12))
p1 = "Attaché segment vector".encode()
print("segment-1       ", seal(data_key, content_id, 0, 0, True, n1, p1).hex())

n2 = bytes(range(0x10, 0x1c))
p2 = bytes(((i * 31 + 7) & 0xff) for i in range(65536))
s2 = seal(data_key, content_id, 7, 3, False, n2, p2)
print("segment-2 sha256", hashlib.sha256(s2).hexdigest(), "length", len(s2))

wrap_key = hkdf(master, b"attache/v1/key-wrap")
n3 = bytes(range(0x20, 0x2c))
wrapped = bytes([1]) + n3 + AESGCM(wrap_key).encrypt(n3, data_key, b"attache/v1/content-key" + content_id)
print("wrapped-key     ", wrapped.hex())

salt = bytes([1] * 16)
kdf = Argon2id(salt=salt, length=32, iterations=3, lanes=1, memory_cost=65536)
print("argon2id        ", kdf.derive(b"correct horse battery staple").hex())

# A pack: two blobs of two versions back to back, each a one-segment chunk under its own key.
blob_a = bytes([1]) + seal(data_key, content_id, 0, 0, True, n1, p1)
content_id_b = bytes(range(0xb0, 0xc0))
data_key_b = bytes(range(0x60, 0x80))
n4 = bytes(range(0x30, 0x3c))
blob_b = bytes([1]) + seal(data_key_b, content_id_b, 2, 0, True, n4, "the tail of another file".encode())
pack = blob_a + blob_b
print("pack            ", pack.hex(), "blobs at", (0, len(blob_a)), (len(blob_a), len(blob_b)))
