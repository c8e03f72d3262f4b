// Command luahealth evaluates Argo CD health checks in Argo CD's own Lua VM (the util/lua package
// of the pinned github.com/argoproj/argo-cd/v3), so the tests see exactly what an Argo CD
// application controller would report.
//
// Protocol: one JSON request per stdin line, one JSON response per stdout line, in order.
//
//	request:  {"id": any, "object": {...}, and either
//	           "script": "<lua>", "useOpenLibs": bool        run this script (ExecuteHealthLua)
//	        or "overrides": {"<group>/<Kind>": {"healthLua": "<lua>", "useOpenLibs": bool}}
//	                                                          look the check up as Argo CD does
//	                                                          from argocd-cm, then its built-ins
//	                                                          (ResourceHealthOverrides.GetResourceHealth)}
//	response: {"id": ..., "health": {"status": "...", "message": "..."}}   (health null: no check / nil)
//	       or {"id": ..., "error": "<text>"}                                 (Argo CD shows Unknown)
//
// A line that is not a request gets an error response with id null; the program keeps going.
// It exits 0 at the end of stdin.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	appv1 "github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	argolua "github.com/argoproj/argo-cd/v3/util/lua"
)

// maxLine bounds one request (object plus script).
const maxLine = 8 << 20

type override struct {
	HealthLua   string `json:"healthLua"`
	UseOpenLibs bool   `json:"useOpenLibs"`
}

type request struct {
	ID          json.RawMessage     `json:"id"`
	Object      json.RawMessage     `json:"object"`
	Script      *string             `json:"script"`
	UseOpenLibs bool                `json:"useOpenLibs"`
	Overrides   map[string]override `json:"overrides"`
}

type healthOut struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

type response struct {
	ID     json.RawMessage `json:"id"`
	Health *healthOut      `json:"health"`
	Error  string          `json:"error,omitempty"`
}

func evaluate(req request) (*healthOut, error) {
	// Numbers as the controller's client decodes them (int64 or float64), not json.Number.
	var object map[string]any
	if err := utiljson.Unmarshal(req.Object, &object); err != nil || object == nil {
		return nil, errors.New("object: required (a Kubernetes object as a JSON object)")
	}
	if (req.Script == nil) == (req.Overrides == nil) {
		return nil, errors.New("give exactly one of script and overrides")
	}
	obj := &unstructured.Unstructured{Object: object}
	if req.Script != nil {
		vm := argolua.VM{UseOpenLibs: req.UseOpenLibs}
		hs, err := vm.ExecuteHealthLua(obj, *req.Script)
		if err != nil || hs == nil {
			return nil, err
		}
		return &healthOut{Status: string(hs.Status), Message: hs.Message}, nil
	}
	overrides := argolua.ResourceHealthOverrides{}
	for key, o := range req.Overrides {
		overrides[key] = appv1.ResourceOverride{HealthLua: o.HealthLua, UseOpenLibs: o.UseOpenLibs}
	}
	hs, err := overrides.GetResourceHealth(obj)
	if err != nil || hs == nil {
		return nil, err
	}
	return &healthOut{Status: string(hs.Status), Message: hs.Message}, nil
}

func serve(in io.Reader, out io.Writer) error {
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 0, 64<<10), maxLine)
	writer := bufio.NewWriter(out)
	encoder := json.NewEncoder(writer)
	encoder.SetEscapeHTML(false)
	for scanner.Scan() {
		line := scanner.Bytes()
		if len(line) == 0 {
			continue
		}
		var req request
		resp := response{ID: json.RawMessage("null")}
		if err := json.Unmarshal(line, &req); err != nil {
			resp.Error = fmt.Sprintf("bad request: %v", err)
		} else {
			if req.ID != nil {
				resp.ID = req.ID
			}
			hs, err := evaluate(req)
			if err != nil {
				resp.Error = err.Error()
			} else {
				resp.Health = hs
			}
		}
		if err := encoder.Encode(resp); err != nil {
			return err
		}
		if err := writer.Flush(); err != nil {
			return err
		}
	}
	if err := scanner.Err(); err != nil {
		return fmt.Errorf("reading stdin: %w (one request may be at most %d bytes)", err, maxLine)
	}
	return nil
}

func main() {
	if err := serve(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "luahealth:", err)
		os.Exit(1)
	}
}
