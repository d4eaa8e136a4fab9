package wxrelay

import "github.com/campushub/campushub/domain/shared"

// The relay's business errors. Transports map their Code to the API's
// numbers.
var (
	ErrProjectExists    = shared.NewError(shared.KindConflict, "wxrelay.project_exists", "a push project with this url and project name already exists")
	ErrProjectNotFound  = shared.NewError(shared.KindNotFound, "wxrelay.project_not_found", "push project not found")
	ErrDeliveryNotFound = shared.NewError(shared.KindNotFound, "wxrelay.delivery_not_found", "delivery not found")
	ErrEventNotFound    = shared.NewError(shared.KindNotFound, "wxrelay.event_not_found", "event not found")
	ErrUnknownApp       = shared.NewError(shared.KindInvalid, "wxrelay.unknown_app", "unknown app_key")
	ErrUndecryptable    = shared.NewError(shared.KindInvalid, "wxrelay.undecryptable", "raw_data does not decrypt with the app's secret")
	ErrEgressDenied     = shared.NewError(shared.KindInvalid, "wxrelay.egress_denied", "url points at an address push projects may not use")
	ErrReceiveStorage   = shared.NewError(shared.KindUnavailable, "wxrelay.receive_storage", "the event could not be stored; retry later")
)
