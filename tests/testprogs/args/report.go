package main

// report.go writes one JSON line per call: the program's own word on every
// argument and result, which gprobe's output is compared against.
//
// Values are flattened into the paths a gprobe spec would name: a struct
// field is "s.A", a field behind pointers is "o.Mid.Leaf.X", a string or
// slice also gets "len(x)" (and "cap(x)"). Pointers print as "0x..." hex; a
// nil pointer is "0x0" and every path below it is null, which is what gprobe
// prints when a read faults. Keys keep the order of the source.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
)

type kv struct {
	k string
	v string // encoded JSON
}

type flat struct{ kvs []kv }

const maxDepth = 6

var errorType = reflect.TypeOf((*error)(nil)).Elem()

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return strings.TrimRight(b.String(), "\n")
}

// scalar encodes a value that is a single JSON value; ok is false for
// structs, pointers, slices and arrays, which flatten into several keys.
func scalar(v reflect.Value) (string, bool) {
	if !v.IsValid() {
		return "null", true // a nil interface, e.g. a nil error
	}
	if v.Kind() != reflect.Interface && v.Type().Implements(errorType) {
		return jsonString(v.Interface().(error).Error()), true
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(v.Uint(), 10), true
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true
	case reflect.Float32:
		return strconv.FormatFloat(v.Float(), 'g', -1, 32), true
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64), true
	case reflect.String:
		return jsonString(v.String()), true
	case reflect.Interface:
		if v.IsNil() {
			return "null", true
		}
		if v.Type().Implements(errorType) {
			return jsonString(v.Interface().(error).Error()), true
		}
		return jsonString(fmt.Sprint(v.Interface())), true
	}
	return "", false
}

func list(v reflect.Value) string {
	parts := make([]string, v.Len())
	for i := 0; i < v.Len(); i++ {
		s, ok := scalar(v.Index(i))
		if !ok {
			s = "null"
		}
		parts[i] = s
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func (f *flat) put(k, v string) { f.kvs = append(f.kvs, kv{k, v}) }

func (f *flat) add(k string, v reflect.Value, depth int) {
	if s, ok := scalar(v); ok {
		f.put(k, s)
		if v.Kind() == reflect.String {
			f.put("len("+k+")", strconv.Itoa(v.Len()))
		}
		return
	}
	switch v.Kind() {
	case reflect.Slice:
		f.put(k, list(v))
		f.put("len("+k+")", strconv.Itoa(v.Len()))
		f.put("cap("+k+")", strconv.Itoa(v.Cap()))
	case reflect.Array:
		f.put(k, list(v))
	case reflect.Map:
		b, err := json.Marshal(v.Interface())
		if err != nil {
			panic(err)
		}
		f.put(k, string(b))
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f.add(k+"."+v.Type().Field(i).Name, v.Field(i), depth)
		}
	case reflect.Ptr:
		f.put(k, fmt.Sprintf("\"0x%x\"", v.Pointer()))
		if depth >= maxDepth {
			return
		}
		if v.IsNil() {
			f.null(k, v.Type().Elem(), depth+1)
		} else if v.Elem().Kind() == reflect.Struct {
			f.add(k, v.Elem(), depth+1)
		} else {
			f.add("*"+k, v.Elem(), depth+1)
		}
	default:
		f.put(k, jsonString(v.Kind().String()))
	}
}

// null lists the paths below a nil pointer, each as null.
func (f *flat) null(k string, t reflect.Type, depth int) {
	switch t.Kind() {
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f.null(k+"."+t.Field(i).Name, t.Field(i).Type, depth)
		}
		return
	case reflect.Ptr:
		f.put(k, "null")
		if depth < maxDepth && t.Elem().Kind() == reflect.Struct {
			f.null(k, t.Elem(), depth+1)
		}
		return
	}
	f.put(k, "null")
}

func (f *flat) json() string {
	parts := make([]string, len(f.kvs))
	for i, e := range f.kvs {
		parts[i] = jsonString(e.k) + ":" + e.v
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// flatten takes alternating names and values.
func flatten(nv []interface{}) *flat {
	f := &flat{}
	for i := 0; i+1 < len(nv); i += 2 {
		f.add(nv[i].(string), reflect.ValueOf(nv[i+1]), 0)
	}
	return f
}

// goid is the calling goroutine's id, from the header runtime.Stack writes:
// "goroutine 18 [running]:".
func goid() int64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	fields := strings.Fields(string(buf))
	if len(fields) < 2 {
		return -1
	}
	id, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		return -1
	}
	return id
}

var jsonOut bool

// call reports one call: args and results as alternating name, value.
// Results are named "r0", "r1", ... in order (and also by their Go name when
// the function names them, see Named). extra holds facts measured around the
// call that are neither arguments nor results.
func call(fn string, gid int64, args, results []interface{}, extra ...interface{}) {
	counts[fn]++
	if !jsonOut {
		return
	}
	var b strings.Builder
	b.WriteString("{\"func\":" + jsonString(fn))
	b.WriteString(",\"goid\":" + strconv.FormatInt(gid, 10))
	b.WriteString(",\"args\":" + flatten(args).json())
	b.WriteString(",\"results\":" + flatten(results).json())
	if len(extra) > 0 {
		b.WriteString(",\"extra\":" + flatten(extra).json())
	}
	b.WriteString("}\n")
	os.Stdout.WriteString(b.String())
}

// event prints a line that is not a call: start, ready, done.
func event(name string, fields ...interface{}) {
	if !jsonOut {
		return
	}
	f := flatten(fields)
	f.kvs = append([]kv{{"event", jsonString(name)}}, f.kvs...)
	os.Stdout.WriteString(f.json() + "\n")
}

var counts = map[string]int{}

func goVersion() string { return runtime.Version() }
