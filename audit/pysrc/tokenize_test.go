package pysrc

import "testing"

// lexCases pin how the shared tokenizer's lexing reaches the rules.
var lexCases = []scanCase{
	{name: "multi-line docstring keeps the class scope",
		src:  "class Config:\n    \"\"\"Settings.\n    More.\"\"\"\n    SECRET_KEY = 's3cr3t-doc'\n",
		want: []want{{HardcodedSecret, 4, "SECRET_KEY", "Config", ""}}},
	{name: "lone CR ends lines",
		src:  "import os\rclass A:\r    DEBUG = True\r",
		want: []want{{DebugConfig, 3, "", "A", ""}}},
	{name: "3.12 f-string with nested quotes is one string",
		src:  "x = f\"{d[\"k\"]}\"\nSECRET_KEY = 's3cr3t-after'\n",
		want: []want{{HardcodedSecret, 2, "SECRET_KEY", "", ""}}},
}

func TestLexing(t *testing.T) { runScanCases(t, lexCases) }
