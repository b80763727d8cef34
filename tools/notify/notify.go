// Package notify publishes a report summary to a notification target. The one kind of target is an
// Amazon SNS topic, written "sns:<topic ARN>" on the command line.
package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// ErrInvalidTarget is wrapped by errors about a malformed --notify value.
var ErrInvalidTarget = errors.New("invalid notification target")

// SNS limits on Publish (Amazon SNS API reference, Publish).
const (
	MaxSubjectLen   = 100
	MaxMessageBytes = 256 * 1024
)

// truncatedNote ends a message that was cut to fit the SNS limit.
const truncatedNote = "\n[truncated: run the command again for the full report]\n"

// Target is a parsed notification target.
type Target struct {
	TopicARN string
	Region   string // the topic's region, which the SNS client must use
}

// ParseTarget parses "sns:arn:aws:sns:REGION:ACCOUNT:TOPIC".
func ParseTarget(s string) (Target, error) {
	topic, ok := strings.CutPrefix(s, "sns:")
	if !ok {
		return Target{}, fmt.Errorf("%w %q: want sns:TOPIC_ARN", ErrInvalidTarget, s)
	}
	a, err := arn.Parse(topic)
	if err != nil {
		return Target{}, fmt.Errorf("%w %q: %w", ErrInvalidTarget, s, err)
	}
	if a.Service != "sns" || a.Region == "" || a.AccountID == "" || a.Resource == "" || strings.ContainsAny(a.Resource, ":/") {
		return Target{}, fmt.Errorf("%w %q: not an SNS topic ARN", ErrInvalidTarget, s)
	}
	return Target{TopicARN: topic, Region: a.Region}, nil
}

// PublishAPI is the part of the SNS client that notify uses.
type PublishAPI interface {
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// Publisher sends messages to one SNS topic.
type Publisher struct {
	client PublishAPI
	target Target
}

// NewPublisher returns a Publisher for target over client.
func NewPublisher(client PublishAPI, target Target) *Publisher {
	return &Publisher{client: client, target: target}
}

// Publish sends subject and message and returns the SNS message ID. The subject is made to fit
// SNS's rules (printable ASCII, one line, 100 characters) and an oversized message is cut at a
// line boundary with a note, so that a large report still notifies.
func (p *Publisher) Publish(ctx context.Context, subject, message string) (string, error) {
	out, err := p.client.Publish(ctx, &sns.PublishInput{
		TopicArn: aws.String(p.target.TopicARN),
		Subject:  aws.String(Subject(subject)),
		Message:  aws.String(Message(message)),
	}, func(o *sns.Options) { o.Region = p.target.Region })
	if err != nil {
		return "", fmt.Errorf("publish to %s: %w", p.target.TopicARN, err)
	}
	return aws.ToString(out.MessageId), nil
}

// Subject returns s as a valid SNS subject: printable ASCII only, no line breaks, at most 100
// characters.
func Subject(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			r = ' '
		case r < 0x20 || r > 0x7e:
			r = '?'
		}
		if b.Len() == MaxSubjectLen {
			break
		}
		b.WriteRune(r)
	}
	out := strings.TrimSpace(b.String())
	if out == "" {
		return "rcfge notification"
	}
	return out
}

// Message returns m cut to the SNS size limit at a line boundary, with a note saying so.
func Message(m string) string {
	if len(m) <= MaxMessageBytes {
		return m
	}
	limit := MaxMessageBytes - len(truncatedNote)
	cut := m[:limit]
	if i := strings.LastIndexByte(cut, '\n'); i > 0 {
		cut = cut[:i]
	}
	for !utf8.ValidString(cut) {
		cut = cut[:len(cut)-1]
	}
	return cut + truncatedNote
}
