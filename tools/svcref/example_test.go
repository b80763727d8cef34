package svcref_test

import (
	"context"
	"fmt"

	"github.com/rcfge/rcfge/tools/svcref"
)

func ExampleCatalog_Expand() {
	c, err := svcref.LoadDir(context.Background(), "testdata/mini")
	if err != nil {
		fmt.Println(err)
		return
	}
	names, err := c.Expand("ec2:*Tags")
	fmt.Println(names, err)
	_, err = c.Expand("s4:Get*")
	fmt.Println(err)
	// Output:
	// [ec2:CreateTags ec2:DeleteTags ec2:DescribeTags] <nil>
	// pattern "s4:Get*": unknown service "s4"
}
