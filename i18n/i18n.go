// Package i18n translates the product's strings into Chinese (the default) and English. Each
// area keeps its messages in locales/<lang>/<area>.json; all files of a language are merged.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// The supported locales.
const (
	ZH = "zh"
	EN = "en"
)

// Default is the locale used when none is chosen.
const Default = ZH

// Locales lists every supported locale.
var Locales = []string{ZH, EN}

//go:embed locales
var files embed.FS

// catalogs maps locale → key → message.
var catalogs = mustLoad()

func mustLoad() map[string]map[string]string {
	out, err := load(files)
	if err != nil {
		panic(err)
	}
	return out
}

// load merges every locales/<lang>/*.json; a key defined twice in one language is an error.
func load(fsys fs.FS) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, lang := range Locales {
		out[lang] = map[string]string{}
		dir := path.Join("locales", lang)
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
			if err != nil {
				return nil, err
			}
			var m map[string]string
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("%s/%s: %w", dir, e.Name(), err)
			}
			for k, v := range m {
				if _, dup := out[lang][k]; dup {
					return nil, fmt.Errorf("%s: key %q defined twice", lang, k)
				}
				out[lang][k] = v
			}
		}
	}
	return out, nil
}

// Normalize maps a requested language (zh-CN, en-US, EN, …) to a supported locale, or "".
func Normalize(lang string) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	switch {
	case strings.HasPrefix(l, "zh"):
		return ZH
	case strings.HasPrefix(l, "en"):
		return EN
	}
	return ""
}

// T translates key into locale, formatting args with fmt verbs in the message. A missing key
// shows as the key itself, so a gap is visible, never blank.
func T(locale, key string, args ...any) string {
	m, ok := catalogs[locale][key]
	if !ok {
		m, ok = catalogs[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return m
	}
	return fmt.Sprintf(m, args...)
}

// Has reports whether key is translated in locale.
func Has(locale, key string) bool {
	_, ok := catalogs[locale][key]
	return ok
}

// Keys lists every key of a locale, for completeness tests.
func Keys(locale string) []string {
	out := make([]string, 0, len(catalogs[locale]))
	for k := range catalogs[locale] {
		out = append(out, k)
	}
	return out
}

// HTMLLang is the value of the html lang attribute for a locale.
func HTMLLang(locale string) string {
	if locale == EN {
		return "en"
	}
	return "zh-CN"
}
