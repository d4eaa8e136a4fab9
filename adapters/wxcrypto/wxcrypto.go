// Package wxcrypto implements the cipher of the 微校 data-change push:
// AES-128-CBC with the app_key (16 characters) as key and the first 16
// characters of the app_secret as IV. The ciphertext comes Base64- or
// hex-encoded; the plaintext is zero-padded (PKCS#7 padding is stripped as
// well, as some senders use it).
package wxcrypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/campushub/campushub/ports"
)

// Cipher is the 微校 push cipher.
type Cipher struct{}

var _ ports.WXCipher = Cipher{}

func keyIV(appKey, appSecret string) (key, iv []byte, err error) {
	if len(appKey) != aes.BlockSize {
		return nil, nil, fmt.Errorf("app_key must be %d bytes to serve as the AES-128 key, it has %d", aes.BlockSize, len(appKey))
	}
	if len(appSecret) < aes.BlockSize {
		return nil, nil, fmt.Errorf("app_secret must have at least %d bytes to give the IV, it has %d", aes.BlockSize, len(appSecret))
	}
	return []byte(appKey), []byte(appSecret[:aes.BlockSize]), nil
}

// Decrypt decodes rawData (hex when it is all hex digits and a whole number
// of blocks, Base64 otherwise), decrypts it and strips the padding. The
// platform encrypts JSON text; a plaintext that is not text (IsText: what
// ciphertext made with another key yields) is an error, not data to store
// and forward.
// Base64 text can consist of hex digits only; when such a string does not
// decrypt to text as hex, it is tried as Base64.
func (Cipher) Decrypt(appKey, appSecret, rawData string) ([]byte, error) {
	key, iv, err := keyIV(appKey, appSecret)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	cts := decodings(strings.TrimSpace(rawData))
	err = errors.New("raw_data is neither Base64 nor hex")
	for _, ct := range cts {
		if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
			err = fmt.Errorf("ciphertext of %d bytes is not a whole number of %d-byte blocks", len(ct), aes.BlockSize)
			continue
		}
		plain := make([]byte, len(ct))
		cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, ct)
		if plain = unpad(plain); IsText(plain) {
			return plain, nil
		}
		err = errors.New("raw_data decrypts to bytes that are not UTF-8 text: the app_key or app_secret does not match the sender's")
	}
	return nil, err
}

// IsText reports whether b is what the platform encrypts: UTF-8 text
// without control characters other than tab, line feed and carriage
// return. Bytes decrypted with another key are almost never such text. (A
// wrong IV only changes the first block, by the difference of the two IVs;
// with ASCII secrets that block often stays text, so IsText does not
// detect a wrong secret.)
func IsText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return false
		}
	}
	return true
}

// Encrypt zero-pads plain and encrypts it, Base64-encoded: what the
// platform sends. The service only decrypts; Encrypt serves tests and tools.
func Encrypt(appKey, appSecret string, plain []byte) (string, error) {
	key, iv, err := keyIV(appKey, appSecret)
	if err != nil {
		return "", err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	n := (len(plain)/aes.BlockSize + 1) * aes.BlockSize
	if len(plain)%aes.BlockSize == 0 && len(plain) > 0 {
		n = len(plain)
	}
	buf := make([]byte, n)
	copy(buf, plain)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(buf, buf)
	return base64.StdEncoding.EncodeToString(buf), nil
}

// decodings are the ciphertexts s may stand for: hex when it looks like
// hex, then Base64 (standard or URL alphabet, padded or not).
func decodings(s string) [][]byte {
	var out [][]byte
	if len(s) > 0 && len(s)%(2*aes.BlockSize) == 0 && isHex(s) {
		if b, err := hex.DecodeString(s); err == nil {
			out = append(out, b)
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return append(out, b)
		}
	}
	return out
}

func isHex(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

// unpad strips PKCS#7 padding when the tail is valid PKCS#7, then trailing
// zero bytes.
func unpad(b []byte) []byte {
	if n := int(b[len(b)-1]); n > 0 && n <= aes.BlockSize && n <= len(b) &&
		bytes.Equal(b[len(b)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		b = b[:len(b)-n]
	}
	return bytes.TrimRight(b, "\x00")
}
