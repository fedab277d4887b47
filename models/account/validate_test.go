package account_test

import (
	"strings"
	"testing"

	"koogallery/models/account"
)

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		password, email, want string
	}{
		{"", "a@x.test", account.MsgPasswordShort},
		{"abcdefghi", "a@x.test", account.MsgPasswordShort},                  // 9 characters
		{"密码密码密码密码密", "a@x.test", account.MsgPasswordShort},                  // 9 characters, 27 bytes
		{"密码密码密码密码密码", "a@x.test", ""},                                       // 10 characters
		{strings.Repeat("k", 72), "a@x.test", ""},                            // bcrypt's limit exactly
		{strings.Repeat("k", 73), "a@x.test", account.MsgPasswordLong},       // one byte too many
		{strings.Repeat("强", 24), "a@x.test", ""},                            // 72 bytes
		{strings.Repeat("强", 25), "a@x.test", account.MsgPasswordLong},       // 25 characters but 75 bytes
		{strings.Repeat("k", 71) + "é", "a@x.test", account.MsgPasswordLong}, // 72 characters, 73 bytes
		{"longname.smith@example.com", "Longname.Smith@Example.com", account.MsgPasswordEmail},
		{"LONGNAME.SMITH@EXAMPLE.COM", " longname.smith@example.com ", account.MsgPasswordEmail},
		{"LongName.Smith", "longname.smith@example.com", account.MsgPasswordEmail}, // the email's name part
		{"longname.smith!", "longname.smith@example.com", ""},                      // merely contains it
		{"password123", "a@x.test", account.MsgPasswordCommon},
		{"PassWord123", "a@x.test", account.MsgPasswordCommon}, // the list ignores case
		{"QWERTYUIOP", "a@x.test", account.MsgPasswordCommon},
		{"1234567890", "a@x.test", account.MsgPasswordCommon},
		{"Demo-Pass-2026", "a@x.test", account.MsgPasswordCommon}, // the demo accounts' password
		{"correct horse battery staple", "a@x.test", ""},
		{"test-pass-0417-xyz", "", ""},
		{"Zq7!vR2#pL9w", "zq@x.test", ""},
	} {
		if got := account.CheckPassword(tc.password, tc.email); got != tc.want {
			t.Errorf("CheckPassword(%q, %q) = %q, want %q", tc.password, tc.email, got, tc.want)
		}
	}
}

func TestCheckEmail(t *testing.T) {
	long := strings.Repeat("a", account.MaxEmail-len("@example.com")) + "@example.com"
	for _, tc := range []struct{ email, want string }{
		{"", account.MsgEmailRequired},
		{"   ", account.MsgEmailRequired},
		{"user@example.com", ""},
		{"  User.Name+tag@sub.example.co  ", ""},
		{"张三@例子.中国", ""},
		{long, ""},
		{"a" + long, account.MsgEmailInvalid}, // one byte over
		{"user@localhost", account.MsgEmailInvalid},
		{"user@.example.com", account.MsgEmailInvalid},
		{"user@example.com.", account.MsgEmailInvalid},
		{"user@example..com", account.MsgEmailInvalid},
		{"no-at-sign.example.com", account.MsgEmailInvalid},
		{"Alice <alice@example.com>", account.MsgEmailInvalid},
		{"alice@example.com (Alice)", account.MsgEmailInvalid},
		{"a@example.com, b@example.com", account.MsgEmailInvalid},
		{`"a b"@example.com`, account.MsgEmailInvalid},
		{"a b@example.com", account.MsgEmailInvalid},
		{"a\x00b@example.com", account.MsgEmailInvalid},
		{"a\x07@example.com", account.MsgEmailInvalid},
		{"a@exam\nple.com", account.MsgEmailInvalid},
		{"a\xff@example.com", account.MsgEmailInvalid},
		{"a@example.\xc3com", account.MsgEmailInvalid},
		{"admin\u200b@example.com", account.MsgEmailInvalid}, // looks like admin@example.com
		{"admin@example.com\u200b", account.MsgEmailInvalid},
		{"moc.elpmaxe\u202e@evil.test", account.MsgEmailInvalid}, // a right-to-left override
		{"a\u00a0b@example.com", account.MsgEmailInvalid},        // a no-break space
	} {
		if got := account.CheckEmail(tc.email); got != tc.want {
			t.Errorf("CheckEmail(%q) = %q, want %q", tc.email, got, tc.want)
		}
	}
}

func TestCheckName(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"", account.MsgNameRequired},
		{" \t ", account.MsgNameRequired},
		{"张三", ""},
		{"  Alice Smith  ", ""},
		{"O'Brien-Ng", ""},
		{strings.Repeat("张", account.MaxName), ""},
		{strings.Repeat("张", account.MaxName+1), account.MsgNameInvalid},
		{"a\x00b", account.MsgNameInvalid},
		{"a\nb", account.MsgNameInvalid},
		{"a\tb", account.MsgNameInvalid},
		{"a\u0085b", account.MsgNameInvalid}, // NEL, a C1 control
		{"a\u200bb", account.MsgNameInvalid}, // zero-width space
		{"a\u202eb", account.MsgNameInvalid}, // right-to-left override
		{"a\ufeffb", account.MsgNameInvalid}, // byte-order mark
		{"a\xffb", account.MsgNameInvalid},
		{"\xe5\xbc", account.MsgNameInvalid}, // a cut multi-byte character
	} {
		if got := account.CheckName(tc.name); got != tc.want {
			t.Errorf("CheckName(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestCheckPhone(t *testing.T) {
	for _, tc := range []struct{ phone, want string }{
		{"", ""}, // optional
		{"   ", ""},
		{"13800000000", ""},
		{"+86 138-0000-0000", ""},
		{" 010-12345678 ", ""},
		{"12345", ""},
		{"12345678901234567890", ""}, // 20 characters
		{"123456789012345678901", account.MsgPhoneInvalid},
		{"1234", account.MsgPhoneInvalid},
		{"+", account.MsgPhoneInvalid},
		{"-12345", account.MsgPhoneInvalid},
		{"++8612345", account.MsgPhoneInvalid},
		{"138abc00000", account.MsgPhoneInvalid},
		{"１３８００００００００", account.MsgPhoneInvalid}, // full-width digits
		{"12345\n678", account.MsgPhoneInvalid},
		{"12345\x00", account.MsgPhoneInvalid},
		{"\xff12345", account.MsgPhoneInvalid},
		{"(010) 12345", account.MsgPhoneInvalid},
	} {
		if got := account.CheckPhone(tc.phone); got != tc.want {
			t.Errorf("CheckPhone(%q) = %q, want %q", tc.phone, got, tc.want)
		}
	}
}

func TestCheckNewUser(t *testing.T) {
	errs := account.CheckNewUser(account.NewUser{Email: "bad", Name: "", Phone: "x", Password: "short"})
	want := map[string]string{"email": account.MsgEmailInvalid, "name": account.MsgNameRequired, "phone": account.MsgPhoneInvalid,
		"password": account.MsgPasswordShort}
	for k, v := range want {
		if errs[k] != v {
			t.Errorf("CheckNewUser: %s = %q, want %q (all: %v)", k, errs[k], v, errs)
		}
	}
	if errs := account.CheckNewUser(account.NewUser{Email: "ok@x.test", Name: "好", Password: "a-good-pass-2026"}); errs.Has() {
		t.Errorf("a good account refused: %v", errs)
	}
}

func TestMemberRoles(t *testing.T) {
	if got := account.NewMemberRoles(account.Finance, account.Owner, "nonsense", account.Finance); got != "owner,finance" {
		t.Errorf("NewMemberRoles = %q", got)
	}
	if r, ok := account.ParseMemberRoles([]string{"finance", "developer"}); !ok || r != "developer,finance" {
		t.Errorf("ParseMemberRoles = %q %v", r, ok)
	}
	for _, bad := range [][]string{nil, {}, {"admin"}, {"developer", "root"}} {
		if r, ok := account.ParseMemberRoles(bad); ok {
			t.Errorf("ParseMemberRoles(%q) = %q, ok", bad, r)
		}
	}
	id := uint(7)
	owner := &account.User{Role: account.RoleSeller, SellerID: &id, SellerRoles: account.NewMemberRoles(account.Owner)}
	dev := &account.User{Role: account.RoleSeller, SellerID: &id, SellerRoles: account.NewMemberRoles(account.Developer)}
	orphan := &account.User{Role: account.RoleSeller, SellerRoles: account.NewMemberRoles(account.Owner)}
	buyer := &account.User{Role: account.RoleBuyer, SellerRoles: account.NewMemberRoles(account.Owner)}
	for _, area := range account.MemberRoleList {
		if !owner.Can(area) {
			t.Errorf("an owner may not use %s", area)
		}
		if dev.Can(area) != (area == account.Developer) {
			t.Errorf("a developer: Can(%s) = %v", area, dev.Can(area))
		}
		if orphan.Can(area) || buyer.Can(area) || (*account.User)(nil).Can(area) {
			t.Errorf("someone outside a company may use %s", area)
		}
	}
}
