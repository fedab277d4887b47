package onboarding_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/onboarding"
)

func zipFile() []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, _ := w.Create("licence.png")
	f.Write([]byte("x"))
	w.Close()
	return b.Bytes()
}

// Every field of an application is checked, each with its own message.
func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name        string
		edit        func(in *onboarding.Input)
		field, want string
	}{
		{"no company", func(in *onboarding.Input) { in.CompanyName = " \t " }, "company", onboarding.MsgCompanyRequired},
		{"one-character company", func(in *onboarding.Input) { in.CompanyName = "云" }, "company", onboarding.MsgCompanyInvalid},
		{"101-character company", func(in *onboarding.Input) { in.CompanyName = strings.Repeat("云", 101) }, "company", onboarding.MsgCompanyInvalid},
		{"company with a control character", func(in *onboarding.Input) { in.CompanyName = "云启\x00科技" }, "company", onboarding.MsgCompanyInvalid},
		{"company with a zero-width space", func(in *onboarding.Input) { in.CompanyName = "云启\u200b科技" }, "company", onboarding.MsgCompanyInvalid},
		{"company of bad UTF-8", func(in *onboarding.Input) { in.CompanyName = "云启\xff科技" }, "company", onboarding.MsgCompanyInvalid},
		{"no code", func(in *onboarding.Input) { in.USCC = "" }, "uscc", onboarding.MsgUSCCRequired},
		{"17-character code", func(in *onboarding.Input) { in.USCC = "91350100M000100Y4" }, "uscc", onboarding.MsgUSCCShape},
		{"code with I", func(in *onboarding.Input) { in.USCC = "91350100I000100Y43" }, "uscc", onboarding.MsgUSCCShape},
		{"code with a wrong check character", func(in *onboarding.Input) { in.USCC = "91350100M000100Y44" }, "uscc", onboarding.MsgUSCCCheck},
		{"no contact", func(in *onboarding.Input) { in.ContactName = "" }, "contact_name", account.MsgNameRequired},
		{"contact with a new line", func(in *onboarding.Input) { in.ContactName = "王\n经理" }, "contact_name", account.MsgNameInvalid},
		{"no contact phone", func(in *onboarding.Input) { in.ContactPhone = " " }, "contact_phone", onboarding.MsgPhoneRequired},
		{"bad contact phone", func(in *onboarding.Input) { in.ContactPhone = "call me" }, "contact_phone", account.MsgPhoneInvalid},
		{"no contact email", func(in *onboarding.Input) { in.ContactEmail = "" }, "contact_email", account.MsgEmailRequired},
		{"bad contact email", func(in *onboarding.Input) { in.ContactEmail = "wang@corp" }, "contact_email", account.MsgEmailInvalid},
		{"no support email", func(in *onboarding.Input) { in.SupportEmail = "" }, "support_email", account.MsgEmailRequired},
		{"no support phone", func(in *onboarding.Input) { in.SupportPhone = "" }, "support_phone", account.MsgPhoneRequired},
		{"bad support phone", func(in *onboarding.Input) { in.SupportPhone = "400" }, "support_phone", account.MsgPhoneInvalid},
		{"no support hours", func(in *onboarding.Input) { in.SupportHours = "" }, "support_hours", account.MsgHoursRequired},
		{"long support hours", func(in *onboarding.Input) { in.SupportHours = strings.Repeat("时", 51) }, "support_hours", account.MsgHoursInvalid},
		{"not agreed", func(in *onboarding.Input) { in.Agreed = false }, "agree", onboarding.MsgAgreeRequired},
		{"no licence", func(in *onboarding.Input) { in.License = nil }, "license", onboarding.MsgLicenseRequired},
		{"empty licence", func(in *onboarding.Input) { in.License = &attachment.Upload{Name: "a.png"} }, "license", onboarding.MsgLicenseRequired},
		{"licence too large", func(in *onboarding.Input) { in.License = &attachment.Upload{Name: "a.png", TooLarge: true} }, "license", attachment.MsgTooLarge},
		{"text licence", func(in *onboarding.Input) {
			in.License = &attachment.Upload{Name: "licence.txt", Data: []byte("营业执照")}
		}, "license", onboarding.MsgLicenseType},
		{"zip licence", func(in *onboarding.Input) { in.License = &attachment.Upload{Name: "licence.zip", Data: zipFile()} }, "license", onboarding.MsgLicenseType},
		{"executable named .pdf", func(in *onboarding.Input) {
			in.License = &attachment.Upload{Name: "licence.pdf", Data: []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00")}
		}, "license", attachment.MsgMismatch},
		{"web page named .png", func(in *onboarding.Input) {
			in.License = &attachment.Upload{Name: "licence.png", Data: []byte("<html><script>alert(1)</script></html>")}
		}, "license", attachment.MsgMismatch},
		{"an .exe", func(in *onboarding.Input) {
			in.License = &attachment.Upload{Name: "licence.exe", Data: []byte("MZ\x90\x00")}
		}, "license", attachment.MsgType},
	} {
		in := good(1)
		tc.edit(&in)
		_, errs, checked := onboarding.Check(in, true)
		if errs[tc.field] != tc.want || len(errs) != 1 || checked != nil {
			t.Errorf("%s: errors %v, want only %s=%s", tc.name, errs, tc.field, tc.want)
		}
	}

	// What passes, and what Check makes of it.
	for _, lic := range []*attachment.Upload{png("执照.png"), pdf("执照.PDF"), {Name: "执照.jpg", Data: []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00")}} {
		in := good(1)
		in.License = lic
		out, errs, checked := onboarding.Check(in, true)
		if errs.Has() || checked == nil || !(checked.Image() || checked.PDF()) {
			t.Errorf("licence %s refused: %v", lic.Name, errs)
		}
		_ = out
	}
	in := good(1)
	in.CompanyName, in.USCC, in.ContactEmail, in.SupportHours = "  Acme   China  Ltd ", " 91350100m000100y43 ", " Wang@Corp.TEST ", "  7x24 "
	in.License = nil
	out, errs, checked := onboarding.Check(in, false)
	if errs.Has() || checked != nil {
		t.Fatalf("a resubmission without a new licence: %v", errs)
	}
	if out.CompanyName != "Acme China Ltd" || out.USCC != "91350100M000100Y43" || out.ContactEmail != "wang@corp.test" || out.SupportHours != "7x24" {
		t.Fatalf("normalised %+v", out)
	}
	// A legal name may have up to 100 characters (many English names are longer than 50).
	for _, name := range []string{strings.Repeat("云", 100), "Shenzhen Cloud Enterprise Software Technology Development Company Limited"} {
		in := good(1)
		in.CompanyName = name
		if _, errs, _ := onboarding.Check(in, true); errs.Has() {
			t.Errorf("a %d-character name refused: %v", len([]rune(name)), errs)
		}
	}
	if !onboarding.USCCValid(uscc(7)) || uscc(7) == uscc(8) {
		t.Fatal("the test's codes are not valid")
	}
}
