package wxcrypto

import "testing"

const (
	appKey    = "abcdefghijklmnop"
	appSecret = "SECRETsecret1234-and-more"
)

// The vectors were produced with `openssl enc -aes-128-cbc -nopad` (zero
// padding added by hand) and `openssl enc -aes-128-cbc` (PKCS#7).
func TestDecryptKnownVectors(t *testing.T) {
	cases := []struct {
		name, raw, want string
	}{
		{"base64 zero padding", "UoYpaCmfsHSxynVHbrD1AQ==", `{"userid":"u1"}`},
		{"hex zero padding", "52862968299fb074b1ca75476eb0f501", `{"userid":"u1"}`},
		{"hex upper case", "52862968299FB074B1CA75476EB0F501", `{"userid":"u1"}`},
		{"base64 pkcs7 padding", "Csw75cErnGbh7ETr7WiXC9AMB4yWTzebcYgtnxqM7Jo=", `{"userid":"u1","orgid":"o2"}`},
		{"surrounding space", " UoYpaCmfsHSxynVHbrD1AQ==\n", `{"userid":"u1"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Cipher{}.Decrypt(appKey, appSecret, tc.raw)
			if err != nil {
				t.Fatalf("Decrypt: %v", err)
			}
			if string(got) != tc.want {
				t.Fatalf("Decrypt = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestEncryptRoundTrip(t *testing.T) {
	for _, plain := range []string{`{"userid":"u1"}`, `{"a":"0123456789abcd"}`, `{"name":"张三","orgs":[1,2,3]}`} {
		t.Run(plain, func(t *testing.T) {
			raw, err := Encrypt(appKey, appSecret, []byte(plain))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Cipher{}.Decrypt(appKey, appSecret, raw)
			if err != nil || string(got) != plain {
				t.Fatalf("round trip = %q, %v; want %q", got, err, plain)
			}
		})
	}
	raw, _ := Encrypt(appKey, appSecret, []byte(`{"userid":"u1"}`))
	if raw != "UoYpaCmfsHSxynVHbrD1AQ==" {
		t.Fatalf("Encrypt = %q, want the openssl vector", raw)
	}
}

func TestDecryptRejects(t *testing.T) {
	cases := []struct {
		name, key, secret, raw string
	}{
		{"short key", "short", appSecret, "UoYpaCmfsHSxynVHbrD1AQ=="},
		{"short secret", appKey, "tooshort", "UoYpaCmfsHSxynVHbrD1AQ=="},
		{"not encoded", appKey, appSecret, "82izkc!!"},
		{"partial block", appKey, appSecret, "UoYpaCmf"},
		{"empty", appKey, appSecret, ""},
		{"another app's key", "ponmlkjihgfedcba", appSecret, "UoYpaCmfsHSxynVHbrD1AQ=="},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := (Cipher{}).Decrypt(tc.key, tc.secret, tc.raw); err == nil {
				t.Fatal("Decrypt succeeded, want an error")
			}
		})
	}
}
