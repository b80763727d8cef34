package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/rcfge/rcfge/hook/placeholder"
	"github.com/rcfge/rcfge/hook/schema"
	"github.com/rcfge/rcfge/tools/schemagen"
)

// MemoryFigures are the cost of holding every generated template compiled, as a hook serving
// every type of an organisation would.
type MemoryFigures struct {
	Templates int
	Compiled  int
	// Failed lists templates that did not compile (their errors), which the figures exclude.
	Failed   []string
	Generate time.Duration
	Compile  time.Duration
	// HeapBytes is the live heap the compiled schemas hold.
	HeapBytes uint64
}

// contextVars fill the built-in placeholders as the hook would for one deployment.
var contextVars = placeholder.Vars{
	"accountID": placeholder.String("111122223333"), "region": placeholder.String("us-east-1"),
	"partition": placeholder.String("aws"), "stackName": placeholder.String("app"),
	"stackId":           placeholder.String("arn:aws:cloudformation:us-east-1:111122223333:stack/app/1"),
	"logicalResourceId": placeholder.String("Res"), "resourceType": placeholder.String("AWS::Test::Type"),
}

func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// measureMemory generates a template for every provider schema in dir, then compiles them all
// and measures the heap they keep.
func measureMemory(ctx context.Context, dir string) (MemoryFigures, error) {
	var f MemoryFigures
	start := time.Now()
	tpls, err := schemagen.Run(ctx, schemagen.Request{Source: schemagen.NewFSSource(os.DirFS(dir)), Snapshot: "2026-08-03"})
	f.Generate = time.Since(start)
	if err != nil && len(tpls) == 0 {
		return f, fmt.Errorf("generate templates from %s: %w", dir, err)
	}
	f.Templates = len(tpls)
	bodies := make([][]byte, len(tpls))
	names := make([]string, len(tpls))
	for i, t := range tpls {
		bodies[i], names[i] = t.Body, t.TypeName
	}
	tpls = nil
	before := liveHeap()
	start = time.Now()
	compiled := make([]*schema.Schema, 0, len(bodies))
	for i, body := range bodies {
		s, err := compileTemplate(names[i], body)
		if err != nil {
			f.Failed = append(f.Failed, fmt.Sprintf("%s: %v", names[i], err))
			continue
		}
		compiled = append(compiled, s)
	}
	f.Compile = time.Since(start)
	after := liveHeap()
	f.Compiled = len(compiled)
	if after > before {
		f.HeapBytes = after - before
	}
	runtime.KeepAlive(compiled)
	runtime.KeepAlive(bodies)
	return f, nil
}

// compileTemplate is the engine's cold path for one template: parse, fill, compile.
func compileTemplate(name string, body []byte) (*schema.Schema, error) {
	doc, err := schema.Decode(body)
	if err != nil {
		return nil, err
	}
	if doc, err = fillDoc(doc); err != nil {
		return nil, err
	}
	return schema.Compile(name, doc)
}

// fillDoc fills the built-in placeholders a template uses; other names are an error.
func fillDoc(doc any) (any, error) {
	names, err := placeholder.Names(doc)
	if err != nil || len(names) == 0 {
		return doc, err
	}
	return placeholder.Fill(doc, contextVars)
}
