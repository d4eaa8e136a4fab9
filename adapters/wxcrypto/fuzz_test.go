package wxcrypto

import (
	"bytes"
	"crypto/aes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecrypt feeds raw_data as the platform might send it: Decrypt never
// panics; what it accepts is a whole number of blocks in one of the
// documented encodings, and the same ciphertext decrypts alike whether it
// came as Base64 or as hex.
func FuzzDecrypt(f *testing.F) {
	for _, raw := range []string{
		"82izkc", // the seed's own raw_data
		"UoYpaCmfsHSxynVHbrD1AQ==",
		"52862968299fb074b1ca75476eb0f501",
		"52862968299FB074B1CA75476EB0F501",
		"Csw75cErnGbh7ETr7WiXC9AMB4yWTzebcYgtnxqM7Jo=",
		"Csw75cErnGbh7ETr7WiXC9AMB4yWTzebcYgtnxqM7Jo",
		"Csw75cErnGbh7ETr7WiXC9AMB4yWTzebcYgtnxqM7Jo_",
		" UoYpaCmfsHSxynVHbrD1AQ==\n",
		"",
		"AAAAAAAAAAAAAAAAAAAAAA==",
	} {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		plain, err := Cipher{}.Decrypt(appKey, appSecret, raw)
		if err != nil {
			if plain != nil {
				t.Fatalf("Decrypt(%q) returned both %q and %v", raw, plain, err)
			}
			return
		}
		if !utf8.Valid(plain) || bytes.IndexByte(plain, 0) >= 0 {
			t.Fatalf("Decrypt(%q) = %q: not UTF-8 text, which no database stores", raw, plain)
		}
		var ct []byte
		for _, c := range decodings(strings.TrimSpace(raw)) {
			if len(c) > 0 && len(c)%aes.BlockSize == 0 {
				if p, err := decryptBlocks(c); err == nil && bytes.Equal(p, plain) {
					ct = c
					break
				}
			}
		}
		if ct == nil {
			t.Fatalf("Decrypt(%q) = %q, from no ciphertext of whole blocks that %q stands for", raw, plain, raw)
		}
		for _, again := range []string{base64.StdEncoding.EncodeToString(ct), hex.EncodeToString(ct), base64.RawURLEncoding.EncodeToString(ct)} {
			got, err := Cipher{}.Decrypt(appKey, appSecret, again)
			if err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("the ciphertext of %q as %q decrypts to %q, %v; want %q", raw, again, got, err, plain)
			}
		}
	})
}

// FuzzEncryptRoundTrip checks that the text the platform encrypts comes
// back unchanged, in Base64 and in hex, unless it ends like padding (zero
// bytes, or a valid PKCS#7 tail), which the cipher cannot tell from
// padding; bytes that are not text (IsText) are refused.
func FuzzEncryptRoundTrip(f *testing.F) {
	f.Add([]byte(`{"userid":"u1"}`))
	f.Add([]byte(`{"userid":"u1","orgid":"o2"}`))
	f.Add([]byte(`{"name":"张三","orgs":[1,2,3]}`))
	f.Add([]byte("0123456789abcdef"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, plain []byte) {
		raw, err := Encrypt(appKey, appSecret, plain)
		if err != nil {
			t.Fatal(err)
		}
		ct, _ := base64.StdEncoding.DecodeString(raw)
		for _, enc := range []string{raw, hex.EncodeToString(ct), base64.RawURLEncoding.EncodeToString(ct)} {
			got, err := Cipher{}.Decrypt(appKey, appSecret, enc)
			switch {
			case endsLikePadding(plain):
				if err == nil && !bytes.HasPrefix(plain, got) {
					t.Fatalf("Decrypt(Encrypt(%q)) = %q, not a prefix", plain, got)
				}
			case !IsText(plain):
				if err == nil {
					t.Fatalf("Decrypt(Encrypt(%q)) accepted bytes that are not UTF-8 text", plain)
				}
			case err != nil || !bytes.Equal(got, plain):
				t.Fatalf("Decrypt(Encrypt(%q)) as %q = %q, %v", plain, enc, got, err)
			}
		}
	})
}

// decryptBlocks decrypts whole blocks with the test app's key and IV.
func decryptBlocks(ct []byte) ([]byte, error) {
	return Cipher{}.Decrypt(appKey, appSecret, hex.EncodeToString(ct))
}

// endsLikePadding reports whether plain ends in a zero byte or in a valid
// PKCS#7 tail.
func endsLikePadding(plain []byte) bool {
	if len(plain) == 0 {
		return false
	}
	last := plain[len(plain)-1]
	if last == 0 {
		return true
	}
	n := int(last)
	return n <= aes.BlockSize && n <= len(plain) && bytes.Equal(plain[len(plain)-n:], bytes.Repeat([]byte{last}, n))
}
