package models

import "koogallery/models/notice"

// Names moved to koogallery/models/notice, kept reachable as models.X until callers name the package.
var MailBackoff = notice.MailBackoff

const MailMaxAttempts = notice.MailMaxAttempts

type NoticeOwner = notice.NoticeOwner
