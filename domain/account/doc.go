// Package account holds the rules of accounts: who a user is (a phone number
// with its area code, or an e-mail address), verification codes, password
// policy, login lockout, tokens and the personal profile. It imports only the
// standard library.
package account
