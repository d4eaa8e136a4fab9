package account

import "github.com/campushub/campushub/domain/shared"

// The account module's business errors. Transports map their Code to the
// API's numbers.
var (
	ErrNotRegistered     = shared.NewError(shared.KindNotFound, "account.not_registered", "account is not registered")
	ErrWrongPassword     = shared.NewError(shared.KindUnauthenticated, "account.wrong_password", "wrong password")
	ErrInvalidCode       = shared.NewError(shared.KindInvalid, "account.invalid_code", "invalid verification code: it is wrong, expired, used up or was never sent")
	ErrAlreadyRegistered = shared.NewError(shared.KindConflict, "account.already_registered", "account is already registered")
	ErrTooFrequent       = shared.NewError(shared.KindRateLimited, "account.code_too_frequent", "verification codes are sent too frequently; try again later")
	ErrLocked            = shared.NewError(shared.KindLocked, "account.locked", "account is temporarily locked after repeated wrong passwords")
	ErrAreaNotServed     = shared.NewError(shared.KindInvalid, "account.area_not_served", "verification codes are not sent to this area")
	ErrInactive          = shared.NewError(shared.KindForbidden, "account.inactive", "account is disabled")
	ErrSMSArrears        = shared.NewError(shared.KindUnavailable, "sender.sms_arrears", "SMS service account is in arrears")
	ErrSMSFailed         = shared.NewError(shared.KindUnavailable, "sender.sms_failed", "SMS service refused the message")
	ErrSMSUnavailable    = shared.NewError(shared.KindUnavailable, "sender.sms_unavailable", "SMS service is unavailable")
	ErrMailUnavailable   = shared.NewError(shared.KindUnavailable, "sender.mail_unavailable", "mail service is unavailable")
)
