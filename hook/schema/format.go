package schema

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// formats are the asserted formats, checked on strings only (as draft-07 says), with the same
// reading as RFC 3339 and the standard validators.
var formats = map[string]func(string) bool{
	"date-time": isDateTime,
	"date":      isDate,
	"time":      isTime,
	"ipv4":      isIPv4,
	"ipv6":      isIPv6,
	"uri":       isURI,
}

func isDateTime(s string) bool {
	if len(s) < 20 || (s[10] != 'T' && s[10] != 't') {
		return false
	}
	return isDate(s[:10]) && isTime(s[11:])
}

func isDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// twoDigits reads s[i:i+2] as a number in [lo, hi].
func twoDigits(s string, i, lo, hi int) (int, bool) {
	if i+2 > len(s) || s[i] < '0' || s[i] > '9' || s[i+1] < '0' || s[i+1] > '9' {
		return 0, false
	}
	n := int(s[i]-'0')*10 + int(s[i+1]-'0')
	return n, n >= lo && n <= hi
}

// isTime is RFC 3339's full-time, leap second (23:59:60 UTC) included.
func isTime(s string) bool {
	if len(s) < 9 || s[2] != ':' || s[5] != ':' {
		return false
	}
	h, ok1 := twoDigits(s, 0, 0, 23)
	m, ok2 := twoDigits(s, 3, 0, 59)
	sec, ok3 := twoDigits(s, 6, 0, 60)
	if !ok1 || !ok2 || !ok3 {
		return false
	}
	s = s[8:]
	if s[0] == '.' {
		i := 1
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 1 {
			return false
		}
		s = s[i:]
	}
	switch {
	case s == "z" || s == "Z":
	case len(s) == 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':':
		zh, ok1 := twoDigits(s, 1, 0, 23)
		zm, ok2 := twoDigits(s, 4, 0, 59)
		if !ok1 || !ok2 {
			return false
		}
		sign := 1
		if s[0] == '+' {
			sign = -1
		}
		hm := (h*60 + m) + sign*(zh*60+zm)
		if hm < 0 {
			hm += 24 * 60
		}
		h, m = (hm/60)%24, hm%60
	default:
		return false
	}
	return sec != 60 || (h == 23 && m == 59)
}

func isIPv4(s string) bool {
	groups := strings.Split(s, ".")
	if len(groups) != 4 {
		return false
	}
	for _, g := range groups {
		// As the standard validators read it: a decimal group 0-255 (leading zeros allowed).
		n, err := strconv.Atoi(g)
		if err != nil || n < 0 || n > 255 {
			return false
		}
	}
	return true
}

func isIPv6(s string) bool { return strings.Contains(s, ":") && net.ParseIP(s) != nil }

func isURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.IsAbs()
}
