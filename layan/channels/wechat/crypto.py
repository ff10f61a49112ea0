"""WeChat's message signatures and its encrypted mode (安全模式), as its developer documentation
defines them (消息加解密说明).

- signature = SHA-1 of token, timestamp and nonce sorted and joined (the server check, and
  plain mode); msg_signature adds the encrypted message to the sorted list.
- An encrypted message: AES-256-CBC with the EncodingAESKey's 32 bytes as key and their first
  16 as IV, padded PKCS#7 to 32-byte blocks; the plaintext is 16 random bytes, the message's
  length (4 bytes, big-endian), the message, then the AppID it is for.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324 (WeChat's scheme)


def signature_valid(expected: str, *parts: str) -> bool:
    return hmac.compare_digest(signature(*parts), expected.lower())


def decrypt(key: bytes, encrypted: str, *, app_id: str) -> bytes:
    """The message in an encrypted envelope; ValueError when it is not for this AppID."""
    try:
        data = base64.b64decode(encrypted, validate=True)
    except ValueError as error:
        raise ValueError(f"not Base64: {error}") from None
    if not data or len(data) % 16:
        raise ValueError("the encrypted message has a wrong length")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= BLOCK:
        raise ValueError("bad padding")
    plain = plain[:-pad]
    if len(plain) < 20:
        raise ValueError("the decrypted message is too short")
    (length,) = struct.unpack(">I", plain[16:20])
    message, receiver = plain[20 : 20 + length], plain[20 + length :]
    if receiver.decode("utf-8", "replace") != app_id:
        raise ValueError("the message is for another AppID")
    return message


def encrypt(key: bytes, message: bytes, *, app_id: str) -> str:
    """An encrypted envelope (what WeChat sends; used by the tests' WeChat)."""
    plain = os.urandom(16) + struct.pack(">I", len(message)) + message + app_id.encode()
    pad = BLOCK - len(plain) % BLOCK
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()
