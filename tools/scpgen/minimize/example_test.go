package minimize_test

import (
	"fmt"

	"github.com/rcfge/rcfge/tools/scpgen/minimize"
)

// The shortest exact patterns can be terse: over this universe only CreateTopic and DeleteTopic
// end in "c", and only TagResource and UntagResource in "e".
func ExampleActions() {
	universe := func(svc string) ([]string, bool) {
		if svc != "sns" {
			return nil, false
		}
		return []string{"CreateTopic", "DeleteTopic", "GetTopicAttributes", "Publish", "SetTopicAttributes", "TagResource", "UntagResource"}, true
	}
	pats, err := minimize.Actions([]string{"sns:CreateTopic", "sns:DeleteTopic", "sns:TagResource", "sns:UntagResource"}, universe)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pats)
	// Output: [sns:*c sns:*e]
}
