// Template cases with the output the real Alertmanager renders for them. Each `want` was
// recorded from `amtool template render` (Alertmanager 0.25, Go 1.19) with FIXTURE as
// --template.data; test/template/amtool.test.ts re-checks every one against amtool when it is
// installed. `want` starting with "ERR " is the error amtool reports. Go reports parse errors
// by line only; alertrouter adds the column, given here as `column` (0-based, in bytes).

export interface Case {
  readonly name: string;
  readonly tmpl: string;
  readonly want: string;
  readonly mode?: 'html';
  /** For parse errors: the column alertrouter adds to Go's `template: name:line:` prefix. */
  readonly column?: number;
}

/** template.Data in its JSON form (as amtool reads it). */
export const FIXTURE = {
  "receiver": "team-x (ops)",
  "status": "firing",
  "alerts": [
    {
      "status": "firing",
      "labels": {
        "alertname": "HighCPU",
        "instance": "web-1:9100",
        "severity": "critical",
        "job": "node",
        "zone": "eu-1"
      },
      "annotations": {
        "summary": "CPU above 90% on web-1",
        "description": "<b>hot</b> & \"loud\" it's",
        "runbook": "http://wiki/cpu?a=1&b=2"
      },
      "startsAt": "2024-01-02T15:04:05.123456789Z",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://prometheus:9090/graph?g0.expr=up%3D%3D0&g0.tab=1",
      "fingerprint": "1a2b3c4d5e6f7a8b"
    },
    {
      "status": "firing",
      "labels": {
        "alertname": "HighCPU",
        "instance": "web-2:9100",
        "severity": "critical",
        "job": "node"
      },
      "annotations": {
        "summary": "CPU above 90% on web-2"
      },
      "startsAt": "2024-01-02T16:00:00+02:00",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://prometheus:9090/graph?g0.expr=x",
      "fingerprint": "0f0e0d0c0b0a0908"
    },
    {
      "status": "resolved",
      "labels": {
        "alertname": "HighCPU",
        "instance": "db-1:9100",
        "severity": "critical",
        "job": "node"
      },
      "annotations": {},
      "startsAt": "2023-12-31T23:59:59Z",
      "endsAt": "2024-01-01T00:10:00.5Z",
      "generatorURL": "",
      "fingerprint": "ffeeddccbbaa9988"
    }
  ],
  "groupLabels": {
    "alertname": "HighCPU"
  },
  "commonLabels": {
    "alertname": "HighCPU",
    "severity": "critical",
    "job": "node"
  },
  "commonAnnotations": {},
  "externalURL": "http://alertmanager.example:9093"
} as const;

export const TEXT_CASES: readonly Case[] = [
  { name: "plain text passes through", tmpl: "hello, world", want: "hello, world" },
  { name: "action prints a field", tmpl: "{{ .Status }}", want: "firing" },
  { name: "field chain through a map", tmpl: "{{ .CommonLabels.severity }}", want: "critical" },
  { name: "missing KV key reads as empty (missingkey=zero)", tmpl: "[{{ .CommonLabels.nope }}]", want: "[]" },
  { name: "index on a missing KV key is empty", tmpl: "[{{ index .CommonLabels \"nope\" }}]", want: "[]" },
  { name: "dot prints the whole value", tmpl: "{{ (index .Alerts 2).Labels }}", want: "map[alertname:HighCPU instance:db-1:9100 job:node severity:critical]" },
  { name: "slice prints as Go does", tmpl: "{{ .CommonLabels.SortedPairs.Values }}", want: "[HighCPU node critical]" },
  { name: "struct prints its fields in order", tmpl: "{{ (index .CommonLabels.SortedPairs 0) }}", want: "{alertname HighCPU}" },
  { name: "alert struct prints times via String()", tmpl: "{{ index .Alerts 0 }}", want: "{firing map[alertname:HighCPU instance:web-1:9100 job:node severity:critical zone:eu-1] map[description:<b>hot</b> & \"loud\" it's runbook:http://wiki/cpu?a=1&b=2 summary:CPU above 90% on web-1] 2024-01-02 15:04:05.123456789 +0000 UTC 0001-01-01 00:00:00 +0000 UTC http://prometheus:9090/graph?g0.expr=up%3D%3D0&g0.tab=1 1a2b3c4d5e6f7a8b}" },
  { name: "trim markers remove surrounding whitespace", tmpl: "a  \n {{- .Status -}} \n  b", want: "afiringb" },
  { name: "minus without a space is a negative number", tmpl: "{{-3}}", want: "-3" },
  { name: "comments produce nothing", tmpl: "a{{/* note */}}b{{- /* trimmed */ -}} c", want: "abc" },
  { name: "raw strings keep backslashes", tmpl: "{{ `a\\nb` }}", want: "a\\nb" },
  { name: "string escapes are decoded", tmpl: "{{ \"tab\\tx\\u00e9\\x41\\101\" }}", want: "tab\txéAA" },
  { name: "char constants are ints", tmpl: "{{ 'a' }} {{ '\\n' }}", want: "97 10" },
  { name: "number literals keep Go's int/float distinction", tmpl: "{{ 3 }} {{ 1.0 }} {{ 1e3 }} {{ 1.5e6 }} {{ 1e-7 }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ -5 }} {{ .5 }}", want: "3 1 1000 1.5e+06 1e-07 31 15 5 1000 -5 0.5" },
  { name: "bool and nil literals", tmpl: "{{ true }} {{ false }}", want: "true false" },
  { name: "parenthesised pipeline with field access", tmpl: "{{ (index .Alerts 1).Labels.instance }}", want: "web-2:9100" },
  { name: "pipeline passes the value as last argument", tmpl: "{{ .Status | printf \"%s-%s\" \"x\" }}", want: "x-firing" },
  { name: "variables: declare, assign, $", tmpl: "{{ $x := 1 }}{{ $x = 2 }}{{ $x }} {{ $.Status }}", want: "2 firing" },
  { name: "variables declared in if scope end with it", tmpl: "{{ $x := \"outer\" }}{{ if true }}{{ $x := \"inner\" }}{{ $x }}{{ end }} {{ $x }}", want: "inner outer" },
  { name: "assignment inside if changes the outer variable", tmpl: "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", want: "2" },
  { name: "if / else if / else", tmpl: "{{ if eq .Status \"resolved\" }}R{{ else if eq .Status \"firing\" }}F{{ else }}?{{ end }}", want: "F" },
  { name: "if with declaration", tmpl: "{{ if $n := len .Alerts }}{{ $n }} alerts{{ end }}", want: "3 alerts" },
  { name: "empty KV is false, non-empty true", tmpl: "{{ if .CommonAnnotations }}yes{{ else }}no{{ end }} {{ if .CommonLabels }}yes{{ end }}", want: "no yes" },
  { name: "zero numbers and empty strings are false", tmpl: "{{ if 0 }}a{{ end }}{{ if 0.0 }}b{{ end }}{{ if \"\" }}c{{ end }}{{ if \"x\" }}d{{ end }}", want: "d" },
  { name: "with sets dot, else runs on empty", tmpl: "{{ with .CommonLabels.job }}job={{ . }}{{ end }} {{ with .CommonAnnotations.nope }}x{{ else }}none{{ end }}", want: "job=node none" },
  { name: "range over a slice", tmpl: "{{ range .Alerts }}{{ .Labels.instance }};{{ end }}", want: "web-1:9100;web-2:9100;db-1:9100;" },
  { name: "range with index and element", tmpl: "{{ range $i, $a := .Alerts }}{{ $i }}={{ $a.Status }} {{ end }}", want: "0=firing 1=firing 2=resolved " },
  { name: "range over a map is sorted by key", tmpl: "{{ range $k, $v := (index .Alerts 0).Labels }}{{ $k }}:{{ $v }},{{ end }}", want: "alertname:HighCPU,instance:web-1:9100,job:node,severity:critical,zone:eu-1," },
  { name: "range with one variable takes the element", tmpl: "{{ range $p := .CommonLabels.SortedPairs }}{{ $p.Name }} {{ end }}", want: "alertname job severity " },
  { name: "range else on an empty slice", tmpl: "{{ range .CommonAnnotations.SortedPairs }}x{{ else }}empty{{ end }}", want: "empty" },
  { name: "range break and continue", tmpl: "{{ range $i, $a := .Alerts }}{{ if eq $i 0 }}{{ continue }}{{ end }}{{ if eq $i 2 }}{{ break }}{{ end }}{{ $a.Fingerprint }}{{ end }}", want: "0f0e0d0c0b0a0908" },
  { name: "$ inside range is the template's data", tmpl: "{{ range .Alerts }}{{ $.Status }}/{{ .Status }} {{ end }}", want: "firing/firing firing/firing firing/resolved " },
  { name: "define and template with a pipeline", tmpl: "{{ define \"t\" }}<{{ . }}>{{ end }}{{ template \"t\" .Status }}{{ template \"t\" }}", want: "<firing><<no value>>" },
  { name: "block defines and executes", tmpl: "{{ block \"b\" .Receiver }}[{{ . }}]{{ end }}", want: "[team-x (ops)]" },
  { name: "templates see only their own variables", tmpl: "{{ define \"v\" }}{{ $ }}{{ end }}{{ $x := 1 }}{{ template \"v\" \"arg\" }}", want: "arg" },
  { name: "SortedPairs puts alertname first", tmpl: "{{ range (index .Alerts 0).Labels.SortedPairs }}{{ .Name }} {{ end }}", want: "alertname instance job severity zone " },
  { name: "Names and Values", tmpl: "{{ (index .Alerts 0).Labels.Names }} {{ (index .Alerts 0).Labels.Values }}", want: "[alertname instance job severity zone] [HighCPU web-1:9100 node critical eu-1]" },
  { name: "Remove drops keys", tmpl: "{{ (index .Alerts 0).Labels.Remove (stringSlice \"zone\" \"job\" \"nope\") }}", want: "map[alertname:HighCPU instance:web-1:9100 severity:critical]" },
  { name: "Remove with group label names", tmpl: "{{ .CommonLabels.Remove .GroupLabels.Names }}", want: "map[job:node severity:critical]" },
  { name: "Pairs Names and Values", tmpl: "{{ .CommonLabels.SortedPairs.Names }} {{ .CommonLabels.SortedPairs.Values }}", want: "[alertname job severity] [HighCPU node critical]" },
  { name: "Firing and Resolved", tmpl: "{{ len .Alerts.Firing }} {{ len .Alerts.Resolved }} {{ (index .Alerts.Resolved 0).Fingerprint }}", want: "2 1 ffeeddccbbaa9988" },
  { name: "times print like Go's time.Time", tmpl: "{{ (index .Alerts 0).StartsAt }} | {{ (index .Alerts 1).StartsAt }} | {{ (index .Alerts 1).EndsAt }}", want: "2024-01-02 15:04:05.123456789 +0000 UTC | 2024-01-02 16:00:00 +0200 +0200 | 0001-01-01 00:00:00 +0000 UTC" },
  { name: "time Format with reference layouts", tmpl: "{{ (index .Alerts 0).StartsAt.Format \"2006-01-02T15:04:05Z07:00\" }}|{{ (index .Alerts 0).StartsAt.Format \"Mon Jan _2 3:04:05.000 PM MST 2006\" }}|{{ (index .Alerts 1).StartsAt.Format \"02/01/06 15h04 -0700 .999999\" }}", want: "2024-01-02T15:04:05Z|Tue Jan  2 3:04:05.123 PM UTC 2024|02/01/24 16h00 +0200 " },
  { name: "time accessors", tmpl: "{{ (index .Alerts 0).StartsAt.Unix }} {{ (index .Alerts 0).StartsAt.Year }} {{ (index .Alerts 0).StartsAt.Month }} {{ (index .Alerts 0).StartsAt.Day }} {{ (index .Alerts 0).StartsAt.Weekday }} {{ (index .Alerts 0).EndsAt.IsZero }} {{ (index .Alerts 0).StartsAt.Nanosecond }}", want: "1704207845 2024 January 2 Tuesday true 123456789" },
  { name: "time Sub prints a duration", tmpl: "{{ (index .Alerts 2).EndsAt.Sub (index .Alerts 2).StartsAt }}", want: "10m1.5s" },
  { name: "time UTC converts the zone", tmpl: "{{ (index .Alerts 1).StartsAt.UTC }}", want: "2024-01-02 14:00:00 +0000 UTC" },
  { name: "time Truncate and Round count from year 1 and keep the zone", tmpl: "{{ $t := (index .Alerts 0).StartsAt }}{{ $t.Truncate 60000000000 }}|{{ $t.Round 1000000000 }}|{{ $t.Round 3600000000000 }}|{{ $t.Truncate 604800000000000 }}|{{ $t.Round 604800000000000 }}|{{ $t.Truncate 0 }}|{{ $t.Round -5 }}|{{ $t.Round 7e9 }}", want: "2024-01-02 15:04:00 +0000 UTC|2024-01-02 15:04:05 +0000 UTC|2024-01-02 15:00:00 +0000 UTC|2024-01-01 00:00:00 +0000 UTC|2024-01-01 00:00:00 +0000 UTC|2024-01-02 15:04:05.123456789 +0000 UTC|2024-01-02 15:04:05.123456789 +0000 UTC|2024-01-02 15:04:04 +0000 UTC" },
  { name: "Duration Truncate, Round (halfway away from zero) and Abs", tmpl: "{{ $d := (index .Alerts 2).EndsAt.Sub (index .Alerts 2).StartsAt }}{{ $d.Round 60000000000 }}|{{ $d.Truncate 60000000000 }}|{{ $d.Round 0 }}|{{ $d.Abs }}|{{ ((index .Alerts 2).StartsAt.Sub (index .Alerts 2).EndsAt).Round 60000000000 }}|{{ ((index .Alerts 2).StartsAt.Sub (index .Alerts 2).EndsAt).Abs }}|{{ ((index .Alerts 2).StartsAt.Sub (index .Alerts 2).EndsAt).Truncate 60000000000 }}|{{ $d.Round 1000000000 }}|{{ $d.Round 3000000000 }}", want: "10m0s|10m0s|10m1.5s|10m1.5s|-10m0s|10m1.5s|-10m0s|10m2s|10m3s" },
  { name: "len of slices, maps and strings (bytes)", tmpl: "{{ len .Alerts }} {{ len .CommonLabels }} {{ len \"héllo\" }}", want: "3 3 6" },
  { name: "index into slices, maps and strings", tmpl: "{{ index .Alerts.Firing 1 | printf \"%.40v\" }} {{ index (index .Alerts 0).Labels \"zone\" }} {{ index \"abc\" 1 }}", want: "{firing map[alertname:HighCPU instance:web-2:9100 job:node severity:critical] map[summary:CPU above 90% on web-2] 2024-01-02 16:00:00 +0200 +0200 0001-01-01 00:00:00 +0000 UTC http://prometheus:9090/graph?g0.expr=x 0f0e0d0c0b0a0908} eu-1 98" },
  { name: "slice of strings and slices", tmpl: "{{ slice \"abcdef\" 1 3 }} {{ slice (stringSlice \"a\" \"b\" \"c\") 1 }} {{ slice (stringSlice \"a\" \"b\" \"c\") 0 1 2 }}", want: "bc [b c] [a]" },
  { name: "and/or return the deciding operand", tmpl: "{{ and 1 0 2 }} {{ and 1 2 }} {{ or 0 \"\" \"x\" }} {{ or 0 \"\" }}", want: "0 2 x " },
  { name: "and/or short-circuit", tmpl: "{{ or 1 (index .Alerts 99) }} {{ and 0 (index .Alerts 99) }}", want: "1 0" },
  { name: "not", tmpl: "{{ not \"\" }} {{ not .Alerts }}", want: "true false" },
  { name: "eq with several operands", tmpl: "{{ eq .Status \"x\" \"firing\" }} {{ eq 1 2 3 }}", want: "true false" },
  { name: "comparisons", tmpl: "{{ ne 1 2 }} {{ lt \"a\" \"b\" }} {{ le 2 2 }} {{ gt 1.5 0.5 }} {{ ge 1 2 }}", want: "true true true true false" },
  { name: "print puts spaces between non-strings", tmpl: "{{ print 1 2 \"a\" \"b\" 3 }}|{{ print \"a\" 1 \"b\" }}|{{ print 1.5 true }}", want: "1 2ab3|a1b|1.5 true" },
  { name: "println always separates and ends the line", tmpl: "{{ println 1 \"a\" .CommonLabels.Names }}", want: "1 a [alertname job severity]\n" },
  { name: "html escapes", tmpl: "{{ html \"<a href='x'>&\\\"+\" }}", want: "&lt;a href=&#39;x&#39;&gt;&amp;&#34;+" },
  { name: "js escapes", tmpl: "{{ js \"<a'\\\"\\\\>&=\\u0001\" }}", want: "\\u003Ca\\'\\\"\\\\\\u003E\\u0026\\u003D\\u0001" },
  { name: "urlquery escapes", tmpl: "{{ urlquery \"a b&c/d?é\" }}", want: "a+b%26c%2Fd%3F%C3%A9" },
  { name: "printf basic verbs", tmpl: "{{ printf \"%s|%v|%d|%q|%x|%X|%o|%b|%t|%%|%c|%U\" \"s\" .GroupLabels 42 \"q\\\"\" \"hi\" 255 8 5 true 65 65 }}", want: "s|map[alertname:HighCPU]|42|\"q\\\"\"|6869|FF|10|101|true|%|A|U+0041" },
  { name: "printf floats", tmpl: "{{ printf \"%f|%.2f|%e|%.3e|%g|%.3g|%G|%v|%v|%v\" 3.14159 2.675 1234.5678 0.000123 0.0001 1234.5678 1e-7 1e21 123456.0 1234567.0 }}", want: "3.141590|2.67|1.234568e+03|1.230e-04|0.0001|1.23e+03|1E-07|1e+21|123456|1.234567e+06" },
  { name: "printf rounds half to even on exact ties", tmpl: "{{ printf \"%.0f %.0f %.1f %.2f\" 2.5 3.5 0.25 1.005 }}", want: "2 4 0.2 1.00" },
  { name: "printf width, flags and padding", tmpl: "{{ printf \"[%5d][%-5d][%05d][%+d][% d][%5s][%-5s][%.2s][%6.2f][%-8.3f][%08.3f][%x][% x][%#x][%#o]\" 42 42 42 5 5 \"ab\" \"ab\" \"abc\" 3.14159 3.14159 -3.14159 \"hé\" \"hi\" 255 8 }}", want: "[   42][42   ][00042][+5][ 5][   ab][ab   ][ab][  3.14][3.142   ][-003.142][68c3a9][68 69][0xff][010]" },
  { name: "printf star width and precision", tmpl: "{{ printf \"[%*d][%.*f][%-*s]\" 5 3 2 3.14159 4 \"x\" }}", want: "[    3][3.14][x   ]" },
  { name: "printf explicit argument indexes", tmpl: "{{ printf \"%[2]s %[1]s %s\" \"a\" \"b\" }}", want: "b a b" },
  { name: "printf reports bad verbs, missing and extra operands", tmpl: "{{ printf \"%d|%s|%z\" \"x\" 3 1 }}|{{ printf \"%s %s\" \"a\" }}|{{ printf \"x\" 1 \"y\" }}|{{ printf \"%!\" }}", want: "%!d(string=x)|%!s(int=3)|%!z(int=1)|a %!s(MISSING)|x%!(EXTRA int=1, string=y)|%!!(MISSING)" },
  { name: "printf %v of composite values", tmpl: "{{ printf \"%v|%+v|%s|%d\" .CommonLabels (index .CommonLabels.SortedPairs 0) .CommonLabels.SortedPairs.Names (stringSlice) }}", want: "map[alertname:HighCPU job:node severity:critical]|{Name:alertname Value:HighCPU}|[alertname job severity]|[]" },
  { name: "printf %T names Go types", tmpl: "{{ printf \"%T %T %T %T %T %T\" .Alerts .Alerts.Firing .CommonLabels .CommonLabels.SortedPairs \"s\" 1.5 }}", want: "template.Alerts []template.Alert template.KV template.Pairs string float64" },
  { name: "printf %q of runes and unicode", tmpl: "{{ printf \"%q %q %c\" 0x1F600 \"é\\u0001\" 0x263A }}", want: "'😀' \"é\\x01\" ☺" },
  { name: "printf %+q quotes in ASCII; %#q truncates before it backquotes", tmpl: "{{ printf \"%+q|%+q|%+q|%+10q|%#.2q|%#q|%#+q|%#q\" \"é😀\" \"a\\\"b\\n\" 0x1F600 \"é\" \"abcd\" \"\\ufeffx\" \"é\" \"a\\tb\" }}", want: "\"\\u00e9\\U0001f600\"|\"a\\\"b\\n\"|'\\U0001f600'|  \"\\u00e9\"|`ab`|\"\\ufeffx\"|`é`|`a\tb`" },
  { name: "toUpper and toLower map rune by rune", tmpl: "{{ toUpper \"straße é ǆ\" }} {{ toLower \"ÉCOLE İ Σ\" }}", want: "STRAßE É Ǆ école i σ" },
  { name: "title capitalises words", tmpl: "{{ title \"hELLO wORLD foo-bar foo_bar it's x.y a:b 1st\" }}", want: "Hello World Foo-Bar Foo_bar It's X.y A:b 1St" },
  { name: "join with a separator", tmpl: "{{ join \", \" .CommonLabels.Values }} {{ .CommonLabels.Names | join \"+\" }}", want: "HighCPU, node, critical alertname+job+severity" },
  { name: "match is an unanchored RE2 search", tmpl: "{{ match \"^High\" .CommonLabels.alertname }} {{ match \"CPU\" \"xCPUy\" }} {{ match \"^CPU$\" \"xCPUy\" }} {{ match \"(?i)highcpu\" .CommonLabels.alertname }}", want: "true true false true" },
  { name: "reReplaceAll expands groups like Go", tmpl: "{{ reReplaceAll \"(\\\\w+)-(\\\\d+):(?P<port>\\\\d+)\" \"$2/$1 port ${port} $3x$$\" (index .Alerts 0).Labels.instance }}", want: "1/web port 9100 $" },
  { name: "reReplaceAll empty matches", tmpl: "{{ reReplaceAll \"a*\" \"-\" \"baaac\" }}", want: "-b-c-" },
  { name: "reReplaceAll is global and unanchored", tmpl: "{{ reReplaceAll \":.*\" \"\" \"host:9100\" }} {{ reReplaceAll \"o\" \"0\" \"foo boo\" }}", want: "host f00 b00" },
  { name: "stringSlice builds a []string", tmpl: "{{ stringSlice \"a\" \"b\" }} {{ len (stringSlice) }}", want: "[a b] 0" },
  { name: "safeHtml in text is plain text", tmpl: "{{ safeHtml \"<b>x</b>\" }}", want: "<b>x</b>" },
  { name: "error: unknown field", tmpl: "{{ .Foo }}", want: "ERR template: :1:3: executing \"\" at <.Foo>: can't evaluate field Foo in type template.Data" },
  { name: "error: field of a string", tmpl: "{{ .Status.Foo }}", want: "ERR template: :1:10: executing \"\" at <.Status.Foo>: can't evaluate field Foo in type string" },
  { name: "error: nil is not a command", tmpl: "{{ nil }}", want: "ERR template: :1:3: executing \"\" at <nil>: nil is not a command" },
  { name: "error: wrong argument type for a function", tmpl: "{{ toUpper 1 }}", want: "ERR template: :1:11: executing \"\" at <1>: expected string; found 1" },
  { name: "error: wrong piped type", tmpl: "{{ 1 | toUpper }}", want: "ERR template: :1:7: executing \"\" at <toUpper>: wrong type for value; expected string; got int" },
  { name: "error: wrong number of args", tmpl: "{{ toUpper }}", want: "ERR template: :1:3: executing \"\" at <toUpper>: wrong number of args for toUpper: want 1 got 0" },
  { name: "error: KV is not a []string", tmpl: "{{ join \",\" .CommonLabels }}", want: "ERR template: :1:12: executing \"\" at <.CommonLabels>: wrong type for value; expected []string; got template.KV" },
  { name: "error: method given too many args", tmpl: "{{ .Alerts.Firing 1 }}", want: "ERR template: :1:10: executing \"\" at <.Alerts.Firing>: wrong number of args for Firing: want 0 got 1" },
  { name: "error: field given args", tmpl: "{{ .Status 1 }}", want: "ERR template: :1:3: executing \"\" at <.Status>: Status has arguments but cannot be invoked as function" },
  { name: "error: index out of range", tmpl: "{{ index .Alerts 5 }}", want: "ERR template: :1:3: executing \"\" at <index .Alerts 5>: error calling index: index out of range: 5" },
  { name: "error: index key type", tmpl: "{{ index .CommonLabels 1 }}", want: "ERR template: :1:3: executing \"\" at <index .CommonLabels 1>: error calling index: value has type int; should be string" },
  { name: "error: len of int", tmpl: "{{ len 3 }}", want: "ERR template: :1:3: executing \"\" at <len 3>: error calling len: len of type int" },
  { name: "error: incompatible comparison", tmpl: "{{ eq 1 1.0 }}", want: "ERR template: :1:3: executing \"\" at <eq 1 1.0>: error calling eq: incompatible types for comparison" },
  { name: "error: comparing a slice", tmpl: "{{ lt .Alerts 1 }}", want: "ERR template: :1:3: executing \"\" at <lt .Alerts 1>: error calling lt: invalid type for comparison" },
  { name: "error: range over a string", tmpl: "{{ range .Status }}{{ end }}", want: "ERR template: :1:9: executing \"\" at <.Status>: range can't iterate over firing" },
  { name: "error: template not defined", tmpl: "{{ template \"nope\" . }}", want: "ERR template: :1:12: executing \"\" at <{{template \"nope\" .}}>: template \"nope\" not defined" },
  { name: "error: bad regexp in match", tmpl: "{{ match \"(\" \"x\" }}", want: "ERR template: :1:3: executing \"\" at <match \"(\" \"x\">: error calling match: error parsing regexp: missing closing ): `(`" },
  { name: "error: bad regexp in reReplaceAll", tmpl: "{{ reReplaceAll \"[z-a]\" \"\" \"x\" }}", want: "ERR template: :1:3: executing \"\" at <reReplaceAll \"[z-a]\" \"\" \"x\">: error calling reReplaceAll: regexp: Compile(`[z-a]`): error parsing regexp: invalid character class range: `z-a`" },
  { name: "error: and needs an argument", tmpl: "{{ and }}", want: "ERR template: :1:3: executing \"\" at <and>: wrong number of args for and: want at least 1 got 0" },
  { name: "error: error position on a later line", tmpl: "line one\nline two {{ .Alerts.Nope }}", want: "ERR template: :2:19: executing \"\" at <.Alerts.Nope>: can't evaluate field Nope in type template.Alerts" },
  { name: "error: errors inside defined templates name them", tmpl: "{{ define \"inner\" }}\n  {{ .Nope }}{{ end }}{{ template \"inner\" . }}", want: "ERR template: :2:5: executing \"inner\" at <.Nope>: can't evaluate field Nope in type template.Data" },
  { name: "parse error: missing value", tmpl: "{{ if }}{{ end }}", want: "ERR template: :1: missing value for if", column: 6 },
  { name: "parse error: undefined function", tmpl: "a\nb {{ .Status | foo }}", want: "ERR template: :2: function \"foo\" not defined", column: 15 },
  { name: "parse error: undefined variable", tmpl: "{{ $y }}", want: "ERR template: :1: undefined variable \"$y\"", column: 3 },
  { name: "parse error: unclosed action", tmpl: "{{ range .Alerts }}{{ end", want: "ERR template: :1: unclosed action", column: 25 },
  { name: "parse error: unterminated string", tmpl: "{{ \"abc }}", want: "ERR template: :1: unterminated quoted string", column: 3 },
  { name: "parse error: unexpected else", tmpl: "{{ else }}", want: "ERR template: :1: unexpected {{else}}", column: 3 },
  { name: "parse error: unexpected end", tmpl: "{{ end }}", want: "ERR template: :1: unexpected {{end}}", column: 3 },
  { name: "parse error: unexpected EOF", tmpl: "{{ if 1 }}", want: "ERR template: :1: unexpected EOF", column: 10 },
  { name: "parse error: non executable command in pipeline", tmpl: "{{ .Status | 3 }}", want: "ERR template: :1: non executable command in pipeline stage 2", column: 13 },
  { name: "parse error: break outside range", tmpl: "{{ break }}", want: "ERR template: :1: {{break}} outside {{range}}", column: 3 },
  { name: "parse error: unclosed comment", tmpl: "{{/* x", want: "ERR template: :1: unclosed comment", column: 2 },
  { name: "parse error: bad character", tmpl: "{{ .Status€ }}", want: "ERR template: :1: bad character U+20AC '€'", column: 3 },
  { name: "parse error: multiple definition", tmpl: "{{ define \"a\" }}x{{ end }}{{ define \"a\" }}y{{ end }}", want: "ERR template: :1: template: multiple definition of template \"a\"", column: 36 },
  { name: "parse error: bad number", tmpl: "{{ 1.2.3 }}", want: "ERR template: :1: unexpected \".3\" in operand", column: 6 },
  { name: "parse error: too many declarations", tmpl: "{{ $x, $y := 1 }}", want: "ERR template: :1: too many declarations in command", column: 5 },
];

export const HTML_CASES: readonly Case[] = [
  { name: "html: text is escaped like Go's html/template", tmpl: "<p>{{ (index .Alerts 0).Annotations.description }} a+b</p>", want: "<p>&lt;b&gt;hot&lt;/b&gt; &amp; &#34;loud&#34; it&#39;s a+b</p>", mode: 'html' },
  { name: "html: safeHtml is not escaped in text", tmpl: "<p>{{ safeHtml \"<b>x</b>\" }}</p>", want: "<p><b>x</b></p>", mode: 'html' },
  { name: "html: quoted attribute values are escaped", tmpl: "<p title=\"{{ (index .Alerts 0).Annotations.description }}\">x</p>", want: "<p title=\"&lt;b&gt;hot&lt;/b&gt; &amp; &#34;loud&#34; it&#39;s\">x</p>", mode: 'html' },
  { name: "html: safeHtml in an attribute loses its tags", tmpl: "<p title=\"{{ safeHtml \"<b>x</b> & y\" }}\">x</p>", want: "<p title=\"x & y\">x</p>", mode: 'html' },
  { name: "html: unquoted attribute values escape spaces", tmpl: "<p title={{ \"a b=c\" }}>x</p>", want: "<p title=a&#32;b&#61;c>x</p>", mode: 'html' },
  { name: "html: URL attributes are normalised", tmpl: "<a href=\"{{ (index .Alerts 0).GeneratorURL }}\">a</a><a href=\"{{ \"http://x/a b<c>\" }}\">b</a>", want: "<a href=\"http://prometheus:9090/graph?g0.expr=up%3D%3D0&amp;g0.tab=1\">a</a><a href=\"http://x/a%20b%3cc%3e\">b</a>", mode: 'html' },
  { name: "html: unsafe URL schemes are replaced", tmpl: "<a href=\"{{ \"javascript:alert(1)\" }}\">x</a><a href=\"{{ \"HTTPS://ok\" }}\">y</a><a href=\"{{ \"mailto:a@b\" }}\">z</a><img src=\"{{ \"data:x\" }}\">", want: "<a href=\"#ZgotmplZ\">x</a><a href=\"HTTPS://ok\">y</a><a href=\"mailto:a@b\">z</a><img src=\"#ZgotmplZ\">", mode: 'html' },
  { name: "html: values after ? in a URL are query-escaped", tmpl: "<a href=\"http://x/?q={{ \"a b&c/d\" }}&r={{ .Receiver }}\">x</a>", want: "<a href=\"http://x/?q=a%20b%26c%2fd&r=team-x%20%28ops%29\">x</a>", mode: 'html' },
  { name: "html: urlquery merges with URL escaping", tmpl: "<a href=\"{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}\">x</a>", want: "<a href=\"http://alertmanager.example:9093/#/alerts?receiver=team-x&#43;%28ops%29\">x</a>", mode: 'html' },
  { name: "html: data-*url attributes are URLs", tmpl: "<a data-url=\"{{ \"javascript:x\" }}\">x</a>", want: "<a data-url=\"#ZgotmplZ\">x</a>", mode: 'html' },
  { name: "html: title is RCDATA", tmpl: "<title>{{ \"<x> & y\" }}</title>", want: "<title>&lt;x&gt; &amp; y</title>", mode: 'html' },
  { name: "html: comments are removed", tmpl: "a<!-- secret {{ .Status }} -->b<!-- c -->c", want: "abc", mode: 'html' },
  { name: "html: a stray < in text is escaped", tmpl: "<p>1 < 2 {{ 3 }}</p>", want: "<p>1 &lt; 2 3</p>", mode: 'html' },
  { name: "html: doctype is kept", tmpl: "<!DOCTYPE html><p>{{ 1 }}</p>", want: "<!DOCTYPE html><p>1</p>", mode: 'html' },
  { name: "html: script values are JS-escaped", tmpl: "<script>var s = {{ .Status }}; var t = \"{{ \"a'b</script>\" }}\"; var m = {{ .GroupLabels }};</script>", want: "<script>var s = \"firing\"; var t = \"a\\u0027b\\u003c\\/script\\u003e\"; var m = {\"alertname\":\"HighCPU\"};</script>", mode: 'html' },
  { name: "html: style values are filtered", tmpl: "<style>p { color: {{ \"red\" }}; background: {{ \"url(x)\" }} }</style>", want: "<style>p { color: red; background: ZgotmplZ }</style>", mode: 'html' },
  { name: "html: style attribute", tmpl: "<p style=\"color: {{ \"blue\" }}\">x</p>", want: "<p style=\"color: blue\">x</p>", mode: 'html' },
  { name: "html: event handler attribute", tmpl: "<p onclick=\"f({{ .Status }})\">x</p>", want: "<p onclick=\"f(&#34;firing&#34;)\">x</p>", mode: 'html' },
  { name: "html: attribute name from a value", tmpl: "<p {{ \"title\" }}=\"x\" {{ \"onclick\" }}=\"y\">z</p>", want: "<p title=\"x\" ZgotmplZ=\"y\">z</p>", mode: 'html' },
  { name: "html: html at the end of a pipeline is not doubled", tmpl: "<p>{{ \"<a>\" | html }}</p><p title=\"{{ \"<a>\" | html }}\">x</p>", want: "<p>&lt;a&gt;</p><p title=\"&lt;a&gt;\">x</p>", mode: 'html' },
  { name: "html: templates are escaped in the caller's context", tmpl: "{{ define \"u\" }}{{ . }}{{ end }}<a href=\"{{ template \"u\" \"javascript:x\" }}\">y</a><p>{{ template \"u\" \"<b>\" }}</p>", want: "<a href=\"#ZgotmplZ\">y</a><p>&lt;b&gt;</p>", mode: 'html' },
  { name: "html: numbers and booleans", tmpl: "<p>{{ 1 }} {{ 1.5 }} {{ true }}</p>", want: "<p>1 1.5 true</p>", mode: 'html' },
  { name: "html: error for html before the end of a pipeline", tmpl: "<p>{{ \"x\" | html | print }}</p>", want: "ERR html/template::1:6: predefined escaper \"html\" disallowed in template", mode: 'html' },
  { name: "html: error for a quote in an attribute name", tmpl: "<p a\"b=\"c\">{{ 1 }}</p>", want: "ERR html/template: \"\\\"\" in attribute name: \" a\\\"b=\\\"c\\\">\"", mode: 'html' },
  { name: "html: error when the template ends inside a tag", tmpl: "<a href=\"{{ 1 }}", want: "ERR html/template: ends in a non-text context: {stateURL delimDoubleQuote urlPartNone jsCtxRegexp attrURL elementNone <nil>}", mode: 'html' },
  { name: "html: JS comments are removed", tmpl: "<script>// c {{ 1 }}\nvar x = {{ 2 }}; /* b */ var y;</script>", want: "<script>\nvar x =  2 ;   var y;</script>", mode: 'html' },
  { name: "html: CSS comments are removed", tmpl: "<style>/* c */ p { color: {{ \"red\" }} }</style>", want: "<style>  p { color: red }</style>", mode: 'html' },
  { name: "html: textarea is RCDATA", tmpl: "<textarea>{{ safeHtml \"<b>&amp;\" }} {{ \"</textarea>\" }}</textarea>", want: "<textarea>&lt;b&gt;&amp; &lt;/textarea&gt;</textarea>", mode: 'html' },
  { name: "html: single-quoted attribute", tmpl: "<p title='{{ \"a'b\" }}'>x</p>", want: "<p title='a&#39;b'>x</p>", mode: 'html' },
  { name: "html: query and fragment parts", tmpl: "<a href=\"{{ .ExternalURL }}?x={{ \"y z\" }}#{{ \"z z\" }}\">x</a>", want: "<a href=\"http://alertmanager.example:9093?x=y%20z#z%20z\">x</a>", mode: 'html' },
  { name: "html: missing KV keys are empty", tmpl: "<p>[{{ .CommonAnnotations.nope }}]</p>", want: "<p>[]</p>", mode: 'html' },
  { name: "html: urlquery in a query part", tmpl: "<a href=\"?q={{ \"a&b c\" | urlquery }}\">x</a>", want: "<a href=\"?q=a%26b&#43;c\">x</a>", mode: 'html' },
  { name: "html: range inside a table", tmpl: "<table>{{ range .Alerts }}<tr><td>{{ .Labels.instance }}</td><td>{{ .Annotations.summary }}</td></tr>{{ end }}</table>", want: "<table><tr><td>web-1:9100</td><td>CPU above 90% on web-1</td></tr><tr><td>web-2:9100</td><td>CPU above 90% on web-2</td></tr><tr><td>db-1:9100</td><td></td></tr></table>", mode: 'html' },
];
