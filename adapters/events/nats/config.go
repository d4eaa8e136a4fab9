package nats

import (
	"errors"
	"fmt"
	"strings"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Conn says how to reach the NATS servers and who to be there. Only one way
// to authenticate may be set: a credentials file, an NKey seed file, a user
// and password, or a token.
type Conn struct {
	// URLs are the servers, e.g. nats://n1:4222; more than one for a
	// cluster. Ignored when InProcess is set.
	URLs []string
	// InProcess connects to a server in this process without a socket (the
	// embedded broker).
	InProcess natsgo.InProcessConnProvider
	// Name names the connection on the servers (default "campushub").
	Name string
	// CredsFile is a .creds file holding a user JWT and its NKey seed.
	CredsFile string
	// NKeySeedFile is a file holding an NKey user seed.
	NKeySeedFile string
	// User and Password authenticate with a user name and password.
	User, Password string
	// Token authenticates with a token.
	Token string
	// TLSCA verifies the servers against this CA bundle (PEM) instead of the
	// system roots; TLSCert and TLSKey present a client certificate.
	TLSCA, TLSCert, TLSKey string
	// OnEvent receives connection changes (disconnected, reconnected,
	// closed, asynchronous errors) for logging; nil drops them.
	OnEvent func(msg string, err error)
}

// Validate reports settings that cannot work together.
func (c Conn) Validate() error {
	var p []string
	if c.InProcess == nil && len(c.URLs) == 0 {
		p = append(p, "no NATS server URL")
	}
	auth := 0
	for _, set := range []bool{c.CredsFile != "", c.NKeySeedFile != "", c.User != "" || c.Password != "", c.Token != ""} {
		if set {
			auth++
		}
	}
	if auth > 1 {
		p = append(p, "set only one of a credentials file, an NKey seed file, a user and password, or a token")
	}
	if c.Password != "" && c.User == "" {
		p = append(p, "a password needs a user")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		p = append(p, "a client certificate needs both its certificate and its key file")
	}
	if len(p) > 0 {
		return errors.New("nats: " + strings.Join(p, "; "))
	}
	return nil
}

// Retention says when the stream drops events.
type Retention string

// The stream retention policies campushub supports.
const (
	// Limits keeps events until MaxAge, MaxBytes or MaxMsgs is reached,
	// whether or not anyone read them.
	Limits Retention = "limits"
	// Interest keeps an event until every consumer that exists when it
	// is stored has acknowledged it (and within the limits).
	Interest Retention = "interest"
)

// Stream is the layout of the stream that holds campushub's events.
type Stream struct {
	// Name of the stream (default "CAMPUSHUB").
	Name string
	// Subjects the stream holds (default campushub.>).
	Subjects []string
	// Create creates the stream when missing and updates its settings
	// when they differ; otherwise the stream must exist.
	Create bool
	// Retention is limits (default) or interest.
	Retention Retention
	// Replicas is the number of copies in a JetStream cluster (default 1).
	Replicas int
	// MaxAge drops events older than this; 0 keeps them until another
	// limit is reached.
	MaxAge time.Duration
	// MaxBytes bounds the stream's size, dropping the oldest events; 0 or
	// less means no bound.
	MaxBytes int64
	// Memory keeps the stream in memory instead of files.
	Memory bool
	// DuplicateWindow is how long event ids are remembered to drop a
	// message sent again (default 2m). It must exceed the time a relay
	// needs to take over after a crash.
	DuplicateWindow time.Duration
}

// DefaultStream and DefaultSubjects are the stream layout campushub uses
// unless told otherwise.
const (
	DefaultStream          = "CAMPUSHUB"
	DefaultDuplicateWindow = 2 * time.Minute
)

// DefaultSubjects is what the stream holds by default: every campushub
// subject.
var DefaultSubjects = []string{"campushub.>"}

func (s *Stream) setDefaults() {
	if s.Name == "" {
		s.Name = DefaultStream
	}
	if len(s.Subjects) == 0 {
		s.Subjects = DefaultSubjects
	}
	if s.Retention == "" {
		s.Retention = Limits
	}
	if s.Replicas <= 0 {
		s.Replicas = 1
	}
	if s.DuplicateWindow <= 0 {
		s.DuplicateWindow = DefaultDuplicateWindow
	}
}

// Validate reports a stream layout JetStream would refuse.
func (s Stream) Validate() error {
	s.setDefaults()
	var p []string
	if strings.ContainsAny(s.Name, ". *>\t\r\n/\\") {
		p = append(p, fmt.Sprintf("stream name %q may not contain spaces, '.', '*', '>', '/' or '\\'", s.Name))
	}
	if s.Retention != Limits && s.Retention != Interest {
		p = append(p, fmt.Sprintf("retention %q is not limits or interest", s.Retention))
	}
	if s.Replicas > 5 {
		p = append(p, fmt.Sprintf("%d replicas: JetStream allows at most 5", s.Replicas))
	}
	if s.MaxAge > 0 && s.DuplicateWindow > s.MaxAge {
		p = append(p, "the duplicate window may not be longer than the stream's max age")
	}
	if len(p) > 0 {
		return errors.New("nats: " + strings.Join(p, "; "))
	}
	return nil
}

// jetstreamConfig is the stream's configuration as JetStream takes it.
func (s Stream) jetstreamConfig() jetstream.StreamConfig {
	s.setDefaults()
	c := jetstream.StreamConfig{
		Name:        s.Name,
		Description: "campushub domain events (CloudEvents, binary mode)",
		Subjects:    s.Subjects,
		Retention:   jetstream.LimitsPolicy,
		MaxMsgs:     -1,
		MaxBytes:    -1,
		MaxAge:      s.MaxAge,
		MaxMsgSize:  -1,
		Storage:     jetstream.FileStorage,
		Replicas:    s.Replicas,
		Discard:     jetstream.DiscardOld,
		Duplicates:  s.DuplicateWindow,
	}
	if s.Retention == Interest {
		c.Retention = jetstream.InterestPolicy
	}
	if s.MaxBytes > 0 {
		c.MaxBytes = s.MaxBytes
	}
	if s.Memory {
		c.Storage = jetstream.MemoryStorage
	}
	return c
}
