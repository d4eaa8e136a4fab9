package console

import (
	"fmt"
	"strings"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/domain/shared"
)

// message is the words shown for an error: a domain error in the page's
// language, anything else as an internal error with the request id.
func (v *view) message(err error) string {
	e, ok := httpkit.AsError(err)
	if !ok {
		return v.T("error.internal", v.RequestID)
	}
	if v.Lang == "zh" {
		if s, ok := zhError(e); ok {
			return s
		}
	}
	return e.Message
}

// zhError words a domain error in Chinese: by the rule its message states
// (its Format, which does not change with the input, filled with the same
// values), else by its code. The domain words its errors in English; the
// table below holds the Chinese of every rule the console can show, which
// errtext_test.go checks against the sources.
func zhError(e *shared.Error) (string, bool) {
	if f, ok := zhRules[e.Format]; ok {
		return fill(f, e.Args), true
	}
	s, ok := zhCodes[e.Code]
	return s, ok
}

// fill fills a translated format with the English one's values; one
// without verbs leaves them all out.
func fill(format string, args []any) string {
	if !strings.Contains(format, "%") {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// zhCodes words the errors that have a code of their own, whatever their
// message says in detail.
var zhCodes = map[string]string{
	"not_found":       "要找的内容不存在。",
	"unauthenticated": "凭证无效：错误、已过期或已吊销。",
	"already_exists":  "已经存在。",
	"rate_limited":    "尝试次数过多，请稍后再试。",
	"internal":        "服务器内部错误，请稍后重试。",
	"route_not_found": "没有这个页面。",
	"body_too_large":  "提交的内容太大了。",

	"account.already_registered": "该账号已注册。",
	"account.area_not_served":    "不向这个区号发送验证码。",
	"account.code_too_frequent":  "验证码发送太频繁，请稍后再试。",
	"account.inactive":           "该账号已停用。",
	"account.invalid_code":       "验证码无效：错误、已过期、已用完或从未发送。",
	"account.locked":             "密码错误次数过多，账号暂时锁定。",
	"account.not_registered":     "该账号未注册。",
	"account.wrong_password":     "密码错误。",

	"activity.closed":            "活动已关闭，不再接纳成员。",
	"activity.concurrent_change": "另一个请求同时做了同样的修改，请重试。",
	"activity.meeting_closed":    "会议已关闭，不能再授权用户。",
	"activity.meeting_not_found": "会议不存在。",
	"activity.member_mismatch":   "用户只能以自己的身份（自己的账号编号）操作。",
	"activity.no_candidates":     "所有成员都已经抽过了。",
	"activity.not_found":         "活动不存在。",
	"activity.not_lottery":       "只有抽奖活动才能抽奖。",
	"activity.not_permitted":     "该成员不是此活动所限会议的授权用户。",
	"activity.org_not_found":     "机构不存在。",
	"activity.org_only":          "只有机构才能这样做。",
	"activity.other_org":         "这属于另一个机构。",
	"activity.token_not_found":   "机构令牌不存在。",
	"activity.import_rows":       "导入的部分行有误，什么都没有导入。",

	"console.no_session":      "尚未登录。",
	"console.not_manager":     "此账号不是管理员，不能登录控制台。",
	"console.session_expired": "会话已过期，请重新登录。",

	"content.category_exists":    "已有同名的反馈分类。",
	"content.category_in_use":    "有反馈使用这个分类，不能删除。",
	"content.category_not_found": "反馈分类不存在。",
	"content.faq_not_found":      "常见问题不存在。",
	"content.feedback_not_found": "反馈不存在。",
	"content.feedback_not_owned": "这条反馈属于另一个用户。",
	"content.reply_not_found":    "这条反馈还没有回复。",

	"push.device_not_found": "设备不存在。",
	"push.device_not_owned": "该设备已绑定到另一个用户。",
	"push.not_found":        "推送不存在。",

	"sender.mail_unavailable": "邮件服务暂时不可用。",
	"sender.sms_arrears":      "短信服务账户欠费。",
	"sender.sms_failed":       "短信服务拒绝了这条消息。",
	"sender.sms_unavailable":  "短信服务暂时不可用。",

	"wxrelay.delivery_not_found": "投递不存在。",
	"wxrelay.egress_denied":      "推送地址指向推送项目不允许使用的地址。",
	"wxrelay.event_not_found":    "事件不存在。",
	"wxrelay.project_exists":     "已有相同推送地址和项目名称的推送项目。",
	"wxrelay.project_inactive":   "推送项目无效（statu 1），请先设为有效（statu 0）再重放。",
	"wxrelay.project_not_found":  "推送项目不存在。",
	"wxrelay.receive_storage":    "事件未能保存，请稍后重试。",
	"wxrelay.undecryptable":      "raw_data 无法用该应用的密钥解密。",
	"wxrelay.unknown_app":        "未知的 app_key。",
}

// zhRules words input rules (code "invalid") and other messages by their
// format; a format's values fill the Chinese in the same order, or by an
// explicit index (%[2]d) where Chinese puts them elsewhere or leaves one
// out (a field's name: the message stands next to its field).
var zhRules = map[string]string{
	// Rules shared by many fields.
	"%s is required": "此项必填。",
	"%s is too long (%d characters, at most %d)":           "太长了：%[2]d 个字符，最多 %[3]d 个。",
	"%s is too long (at most %d characters)":               "太长了（最多 %[2]d 个字符）。",
	"%s must be an http or https URL":                      "必须是 http 或 https 地址。",
	"%s must be comma-separated positive integers, got %q": "必须是逗号分隔的正整数，收到的是 %[2]q。",
	"%s must not contain control characters":               "不能包含控制字符。",
	"%s must be a positive integer, got %q":                "%s 必须是正整数，收到的是 %q。",
	"%s not found":                                         "要找的内容不存在。",
	"page must be a whole number from 1, got %q":           "页码必须是从 1 开始的整数，收到的是 %q。",
	"the form could not be read: %v":                       "表单无法读取：%v",
	"to must be zh or en":                                  "语言只能是 zh 或 en。",

	// Accounts and sign-in.
	"account is required: a phone number or an e-mail address":                                        "请填写手机号或邮箱。",
	"account is too long (at most 254 characters)":                                                    "账号太长了（最多 254 个字符）。",
	"account %q is not a valid e-mail address":                                                        "%q 不是有效的邮箱地址。",
	"account must be a phone number (digits only) or an e-mail address":                               "账号必须是手机号（只含数字）或邮箱。",
	"a mainland phone number has 11 digits and starts with 1":                                         "大陆手机号是以 1 开头的 11 位数字。",
	"a phone number has 5 to 15 digits":                                                               "手机号应为 5 到 15 位数字。",
	"area is too long (at most 8 characters), e.g. 86":                                                "区号太长了（最多 8 个字符），例如 86。",
	"area must be 1 to 4 digits, e.g. 86":                                                             "区号应为 1 到 4 位数字，例如 86。",
	"password is required":                                                                            "此项必填。",
	"password is too short: at least %d characters":                                                   "密码太短了：至少 %d 个字符。",
	"password is too long: at most %d bytes":                                                          "密码太长了：最多 %d 个字节。",
	"code is required":                                                                                "此项必填。",
	"refresh_token is required":                                                                       "缺少 refresh_token。",
	"birthday is in the future":                                                                       "生日不能在未来。",
	"birthday must be a date like 1991-03-08":                                                         "生日应为 1991-03-08 这样的日期。",
	"gender must be 0 (female), 1 (male) or 2 (secret)":                                               "性别只能是 0（女）、1（男）或 2（保密）。",
	"a code was sent to this account %d seconds ago; wait %d seconds":                                 "%d 秒前刚向此账号发送过验证码，请等待 %d 秒。",
	"this account has had %d codes in 24 hours, the most allowed; the next can be sent in %d seconds": "此账号 24 小时内已收到 %d 条验证码，已达上限；%d 秒后可再发送。",
	"no verification code was sent to this account; request one first":                                "尚未向此账号发送验证码，请先获取。",
	"wrong verification code (%d of %d tries left)":                                                   "验证码错误（还可再试 %d 次，共 %d 次）。",
	"wrong verification code; it is now invalid after %d wrong tries, request a new one":              "验证码错误 %d 次，已失效，请重新获取。",
	"verification codes are not sent to phone numbers in area %s; served areas: %s":                   "不向区号 %s 的手机号发送验证码；支持的区号：%s。",
	"account is locked after wrong passwords from many clients until %s; devices that signed in to it before can still sign in": "多个客户端输错密码，账号锁定至 %s；以前登录过的设备仍可登录。",
	"this client is locked out of this account after repeated wrong passwords until %s":                                         "密码多次错误，此客户端被锁定至 %s。",
	"the account is disabled":                                                    "该账号已停用。",
	"the account no longer exists":                                               "该账号已不存在。",
	"this operation needs the manager role":                                      "此操作需要管理员身份。",
	"missing token: send Authorization: Token <access_token>":                    "缺少令牌。",
	"invalid token: it has expired or was revoked":                               "令牌无效：已过期或已吊销。",
	"invalid token: the account is disabled":                                     "令牌无效：账号已停用。",
	"invalid token: the account no longer exists":                                "令牌无效：账号已不存在。",
	"invalid refresh token":                                                      "刷新令牌无效。",
	"refresh token has expired or was revoked; sign in again":                    "刷新令牌已过期或已吊销，请重新登录。",
	"refresh token was already used; every token of this sign-in is now revoked": "刷新令牌已被使用过，本次登录的所有令牌均已吊销。",
	"the organisation token is required":                                         "此项必填。",
	"this organisation token is wrong or was revoked":                            "机构令牌错误或已吊销。",
	"invalid organisation token: it is wrong or was revoked":                     "机构令牌无效：错误或已吊销。",

	// Pushes and devices.
	"push_title is required":                                            "此项必填。",
	"push_title is too long (at most %d characters)":                    "太长了（最多 %d 个字符）。",
	"push_body is required":                                             "此项必填。",
	"push_body is too long (at most %d characters)":                     "太长了（最多 %d 个字符）。",
	"push_scope must be 0 (everyone) or 1 (chosen users)":               "推送对象只能是所有用户或指定用户。",
	"push_scope must be 0 (everyone) or 1 (listed users)":               "推送对象只能是所有用户或指定用户。",
	"user_ids is required when push_scope is 1":                         "推送给指定用户时请填写用户编号。",
	"user_ids must be empty when push_scope is 0 (everyone)":            "推送给所有用户时不能填写用户编号。",
	"user_ids holds more than %d ids":                                   "用户编号超过 %d 个。",
	"user ids must be positive, got %d":                                 "用户编号必须是正数，收到的是 %d。",
	"%q is not a user id (a whole number from 1)":                       "%q 不是用户编号（从 1 开始的整数）。",
	"push_ids holds more than %d ids":                                   "推送编号超过 %d 个。",
	"client_id is required":                                             "此项必填。",
	"client_id is too long (at most %d characters)":                     "太长了（最多 %d 个字符）。",
	"client_id may hold only printable ASCII characters without spaces": "设备编号只能包含不含空格的可打印 ASCII 字符。",
	"client_type must be android or ios, got %q":                        "设备类型只能是 android 或 ios，收到的是 %q。",

	// Feedback and FAQ.
	"feedback_category_id names no feedback category":                                            "没有这个反馈分类。",
	"contact_phone must be a phone number: digits, optionally a leading + and spaces or hyphens": "联系电话必须是电话号码：数字，可以 + 开头，可含空格或连字符。",
	"feedback_content is too short (at least %d characters)":                                     "反馈内容太短了（至少 %d 个字符）。",
	"feedback_status must be 0 (pending), 1 (replied) or 2 (closed)":                             "状态只能是 0（待处理）、1（已回复）或 2（已关闭）。",
	"feedback_status must be 1 (replied) or 2 (closed)":                                          "状态只能是 1（已回复）或 2（已关闭）。",
	"a reply sets feedback_status to 1 (replied) or 2 (closed)":                                  "回复后的状态只能是 1（已回复）或 2（已关闭）。",
	"status must be 0 (pending), 1 (replied) or 2 (closed), got %q":                              "状态只能是 0（待处理）、1（已回复）或 2（已关闭），收到的是 %q。",
	"category must be a category id, got %q":                                                     "分类必须是分类编号，收到的是 %q。",

	// The 微校 relay.
	"url is required":                                         "此项必填。",
	"url is too long (at most %d characters)":                 "太长了（最多 %d 个字符）。",
	"url is not a valid URL":                                  "推送地址不是有效的网址。",
	"url must use http or https, not %q":                      "推送地址必须使用 http 或 https，不能是 %q。",
	"url must name a host":                                    "推送地址必须包含主机名。",
	"url must not carry user information":                     "推送地址不能包含用户信息。",
	"project is required":                                     "此项必填。",
	"project is too long (at most %d characters)":             "太长了（最多 %d 个字符）。",
	"statu must be 0 (valid) or 1 (invalid)":                  "状态只能是 0（有效）或 1（无效）。",
	"statu must be 0 (valid) or 1 (invalid), got %d":          "状态只能是 0（有效）或 1（无效），收到的是 %d。",
	"status must be pending, held, succeeded or failed":       "状态只能是待投递、暂存、成功或失败。",
	"event_id or project_id is required":                      "请指定事件或推送项目。",
	"since is in the future":                                  "起始时间不能在未来。",
	"push project %d not found":                               "推送项目 %d 不存在。",
	"delivery %d not found":                                   "投递 %d 不存在。",
	"unknown app_key %q":                                      "未知的 app_key %q。",
	"raw_data does not decrypt with the secret of app %q: %v": "raw_data 无法用应用 %q 的密钥解密：%v",

	// Organisations, activities and meetings.
	"name is required":                                                             "此项必填。",
	"label is too long (at most %d characters)":                                    "太长了（最多 %d 个字符）。",
	"organisation %d not found":                                                    "机构 %d 不存在。",
	"organisation %d has no active token %d":                                       "机构 %d 没有有效的令牌 %d。",
	"activity %d not found":                                                        "活动 %d 不存在。",
	"activity %d belongs to another organisation":                                  "活动 %d 属于另一个机构。",
	"meeting %d not found":                                                         "会议 %d 不存在。",
	"meeting %d belongs to another organisation":                                   "会议 %d 属于另一个机构。",
	"kind is required: signin, message or lottery":                                 "请选择类型：签到墙、留言墙或抽奖。",
	"kind must be signin, message or lottery, got %q":                              "类型只能是签到墙、留言墙或抽奖，收到的是 %q。",
	"collect_info lists name and/or phone, comma-separated; %q is not one of them": "收集信息只能是姓名和/或手机号，%q 不是其中之一。",
	"permission lists at most %d meetings":                                         "最多限定 %d 个会议。",
	"permission holds meeting ids, which are positive integers; got %d":            "限定的会议编号必须是正整数，收到的是 %d。",
	"permission holds meeting ids, got %q":                                         "限定的会议编号有误：%q。",
	"permission: meeting %d is not a meeting of this organisation":                 "会议 %d 不是本机构的会议。",
	"meeting must be a meeting id, got %q":                                         "会议必须是会议编号，收到的是 %q。",
	"the search text is too long (at most 100 characters)":                         "搜索内容太长了（最多 100 个字符）。",
	"count must be a whole number from 1 to %d":                                    "抽取人数必须是 1 到 %d 之间的整数。",
	"member_ids is required: a non-empty list":                                     "请填写至少一个成员编号。",
	"member_ids holds at most %d ids per call":                                     "一次最多授权 %d 个成员编号。",
	"member_ids: %s":                                          "成员编号有误：%s",
	"member_id is required":                                   "此项必填。",
	"member_id is too long (at most %d characters)":           "太长了（最多 %d 个字符）。",
	"member_id must not contain spaces or control characters": "成员编号不能包含空格或控制字符。",
	"member_phone is required: this activity collects phone":  "此活动需要填写手机号。",
	"member_phone must be a phone number: digits, optionally starting with +, 5 to 20 characters": "手机号必须是 5 到 20 位数字，可以 + 开头。",
	"member_real_name is required: this activity collects name":                                   "此活动需要填写姓名。",
	"participants can only be imported into a lottery activity; activity %d is a %s":              "只有抽奖活动才能导入参与者；活动 %d 是%[2]s活动。",
	"activity %d is a %s activity; participant lists belong to lotteries":                         "活动 %d 是%[2]s活动；参与者名单只属于抽奖活动。",
	"activity %d is closed: it no longer accepts participants":                                    "活动 %d 已关闭，不再接纳参与者。",
	"the file holds no participants: give a header row and one row per participant":               "文件里没有参与者：请给出表头行，每位参与者一行。",
	"the file holds %d participants; one import takes at most %d":                                 "文件里有 %d 位参与者，一次最多导入 %d 位。",
	"member_id %q is repeated: line %d names it too":                                              "成员编号 %q 重复：第 %d 行也有它。",
	"this route creates %s activities; kind must be %s or left out, got %q":                       "这里只创建 %s 活动；类型必须是 %[2]s 或不填，收到的是 %[3]q。",
	"access_token is required":                "缺少 access_token。",
	"access_type is required: user or org":    "缺少 access_type：user 或 org。",
	"access_type must be user or org, got %q": "access_type 只能是 user 或 org，收到的是 %q。",
}
