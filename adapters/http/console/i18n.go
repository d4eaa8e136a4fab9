package console

import (
	"net/http"
	"strconv"
	"strings"
)

// langCookie remembers a visitor's explicit language choice.
const langCookie = "campushub_console_lang"

// lang picks the page language: the visitor's own choice, else the
// configured one, else the browser's Accept-Language, else Chinese (the
// language of the API documents).
func (h *Handler) lang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "zh" || c.Value == "en") {
		return c.Value
	}
	if h.cfg.Language == "zh" || h.cfg.Language == "en" {
		return h.cfg.Language
	}
	return fromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// fromAcceptLanguage returns "en" or "zh", whichever the header ranks
// higher; "zh" when it names neither.
func fromAcceptLanguage(h string) string {
	best, bestQ := "zh", -1.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if (base == "zh" || base == "en") && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}

// messages holds every text the console shows, by language and key.
var messages = map[string]map[string]string{
	"zh": {
		"app.name": "campushub 控制台", "lang.switch": "English",
		"nav.overview": "概览", "nav.pushes": "推送", "nav.feedback": "反馈", "nav.faq": "常见问题", "nav.categories": "反馈分类",
		"nav.relay": "微校转发", "nav.orgs": "机构", "nav.activities": "活动", "nav.meetings": "会议", "nav.logout": "退出",
		"who.manager": "管理员 #%d",
		"login.title": "登录", "login.manager": "管理员登录", "login.org": "机构登录", "login.area": "区号",
		"login.account": "手机号或邮箱", "login.password": "密码", "login.token": "机构令牌", "login.submit": "登录",
		"login.expired": "会话已过期，请重新登录。", "flash.signed_out": "已退出登录。",
		"error.title": "出错了", "error.back": "返回控制台", "error.internal": "服务器内部错误（请求编号 %s），请稍后重试。",
		"error.no_page": "没有这个页面。", "error.method": "这个页面不接受这种请求方法。", "error.cross_origin": "拒绝了来自其他网站的表单提交。",
		"error.managers_only": "此页面仅限管理员。", "error.orgs_only": "此页面仅限机构。",
		"error.user_ids_required": "请填写至少一个用户编号。", "error.close_time": "截止时间格式不正确。",
		"status": "状态", "created": "创建时间", "updated": "更新时间", "empty": "暂无数据", "all": "全部", "filter": "筛选",
		"save": "保存", "delete": "删除", "yes": "是", "no": "否", "last_error": "最近错误", "members": "成员",
		"ov.users": "用户", "ov.devices": "设备", "ov.pushes_today": "今日推送", "ov.unanswered": "待回复反馈",
		"ov.projects": "推送项目（正常 / 熔断暂停 / 无效）", "ov.pending": "待投递", "ov.retrying": "重试中", "ov.failed": "投递失败", "ov.held": "暂存（项目无效）",
		"ov.outbox": "待发布事件", "ov.oldest": "最早",
		"push.compose": "发送推送", "push.title": "标题", "push.body": "内容", "push.scope": "对象", "push.everyone": "所有用户",
		"push.users": "指定用户", "push.user_ids": "用户编号（逗号分隔）", "push.send": "发送", "push.list": "推送记录",
		"push.results": "送达 / 目标", "push.failed_n": "失败 %d", "push.one": "推送", "push.devices": "各设备结果",
		"push.user": "用户", "push.client": "设备", "push.detail": "详情", "push.no_devices": "没有开启推送的设备。",
		"push.status.0": "排队中", "push.status.1": "已发送", "push.status.2": "失败",
		"flash.push_queued": "推送已排队，正在发送。",
		"fb.content":        "内容", "fb.category": "分类", "fb.user": "用户", "fb.one": "反馈", "fb.reply": "回复",
		"fb.reply_read": "用户已读", "fb.edit_reply": "修改回复", "fb.write_reply": "回复", "fb.send_reply": "发送回复",
		"fb.status.0": "待处理", "fb.status.1": "已回复", "fb.status.2": "已关闭", "flash.replied": "回复已发送。",
		"faq.title": "标题", "faq.content": "内容", "faq.category": "分类", "faq.link": "外部链接", "faq.new": "新建问题",
		"faq.edit": "编辑问题", "done.faq_saved": "问题已保存。", "done.faq_deleted": "问题已删除。",
		"cat.new": "新建分类", "cat.name": "名称", "cat.description": "说明",
		"done.category_saved": "分类已保存。", "done.category_deleted": "分类已删除。",
		"relay.url": "推送地址", "relay.name": "项目名称", "relay.add": "添加推送项目", "relay.failures": "连续失败",
		"relay.status.0": "有效", "relay.status.1": "无效", "relay.state.ok": "正常", "relay.state.paused": "熔断暂停", "relay.state.disabled": "无效",
		"relay.paused_hint": "连续失败，投递暂停；每次只发一个探测投递，成功后恢复。", "relay.failing_since": "自", "relay.paused_at": "暂停于", "relay.next_probe": "下次探测", "relay.disabled_at": "停用于", "relay.edit": "编辑项目", "relay.rotate": "更换签名密钥",
		"relay.replay_failed": "重放全部失败投递", "relay.deliveries": "投递记录", "relay.event": "事件",
		"relay.attempts": "尝试次数", "relay.no_deliveries": "暂无投递。", "relay.delivery": "投递", "relay.next": "下次尝试",
		"relay.replay": "重放", "relay.attempt_log": "尝试记录", "relay.at": "时间", "relay.latency": "耗时",
		"relay.result": "结果", "relay.answer": "响应内容", "relay.no_attempts": "尚无尝试。", "relay.attempt_failed": "失败",
		"relay.secret_once": "签名密钥只显示这一次，请立即保存：", "relay.held_hint": "项目无效期间的新事件暂存，恢复有效后自动投递；此前失败的投递可重放。",
		"flash.project_added": "推送项目已添加。", "flash.secret_rotated": "签名密钥已更换。", "flash.replayed": "已重放 %s 个失败投递。",
		"done.project_saved": "项目已保存。", "done.replayed": "投递已重新排队。",
		"dl.pending": "待投递", "dl.held": "暂存（项目无效）", "dl.succeeded": "成功", "dl.failed": "失败",
		"org.new": "新建机构", "org.name": "机构名称", "org.create": "创建", "org.issue": "签发令牌", "org.label": "备注",
		"org.tokens": "令牌", "org.hint": "开头", "org.issued": "签发时间", "org.active": "有效", "org.revoked": "已吊销",
		"org.revoke": "吊销", "org.token_once": "令牌只显示这一次，请立即交给机构：", "flash.token_issued": "令牌已签发。",
		"done.org_created": "机构已创建。", "done.token_revoked": "令牌已吊销。",
		"act.name": "活动名称", "act.kind": "类型", "act.kind.signin": "签到墙", "act.kind.message": "留言墙", "act.kind.lottery": "抽奖",
		"act.collect": "收集信息", "act.collect.name": "姓名", "act.collect.phone": "手机号", "act.close_time": "截止时间",
		"act.background": "背景图地址", "act.logo": "Logo 地址", "act.music": "音乐地址", "act.permission": "仅限以下会议的授权用户",
		"act.new": "新建活动", "act.create": "创建", "act.open": "进行中", "act.closed": "已关闭", "act.edit": "编辑活动",
		"act.close": "关闭活动", "act.lottery": "抽奖", "act.draw_count": "抽取人数", "act.draw": "抽奖", "act.just_drawn": "本次中奖",
		"act.winners": "中奖名单", "act.no_winners": "还没有中奖者。", "act.search": "搜索", "act.meeting": "会议",
		"act.csv": "导出 CSV", "act.member_id": "成员编号", "act.nickname": "昵称", "act.real_name": "姓名", "act.phone": "手机号",
		"act.joined": "加入时间", "flash.drawn": "抽出 %d 位中奖者。",
		"done.activity_saved": "活动已保存。", "done.activity_closed": "活动已关闭。",
		"mt.new": "新建会议", "mt.name": "会议名称", "mt.create": "创建", "mt.authorise": "授权用户", "mt.member_ids": "成员编号（逗号或换行分隔）",
		"mt.users": "已授权用户", "mt.revoke": "取消授权",
		"done.meeting_created": "会议已创建。", "done.meeting_deleted": "会议已删除。", "done.users_authorised": "用户已授权。", "done.user_revoked": "已取消授权。",
		"code.account.wrong_password": "密码错误。", "code.account.not_registered": "该账号未注册。", "code.account.inactive": "该账号已停用。",
		"code.console.no_session": "尚未登录。", "code.console.session_expired": "会话已过期，请重新登录。",
		"code.console.not_manager": "此账号不是管理员，不能登录控制台。",
		"code.rate_limited":        "尝试次数过多，请稍后再试。",
		"rule.required":            "此项必填。", "rule.too_long": "太长了（最多 %s 个字符）。",
	},
	"en": {
		"app.name": "campushub console", "lang.switch": "中文",
		"nav.overview": "Overview", "nav.pushes": "Pushes", "nav.feedback": "Feedback", "nav.faq": "FAQ", "nav.categories": "Categories",
		"nav.relay": "微校 relay", "nav.orgs": "Organisations", "nav.activities": "Activities", "nav.meetings": "Meetings", "nav.logout": "Sign out",
		"who.manager": "Manager #%d",
		"login.title": "Sign in", "login.manager": "Managers", "login.org": "Organisations", "login.area": "Area code",
		"login.account": "Phone or e-mail", "login.password": "Password", "login.token": "Organisation token", "login.submit": "Sign in",
		"login.expired": "Your session has expired; please sign in again.", "flash.signed_out": "You have signed out.",
		"error.title": "Something went wrong", "error.back": "Back to the console", "error.internal": "Internal error (request %s); please try again later.",
		"error.no_page": "There is no such page.", "error.method": "This page does not take this request method.", "error.cross_origin": "A form sent from another site was refused.",
		"error.managers_only": "This page is for managers only.", "error.orgs_only": "This page is for organisations only.",
		"error.user_ids_required": "Enter at least one user id.", "error.close_time": "The closing time is not a valid date and time.",
		"status": "Status", "created": "Created", "updated": "Updated", "empty": "Nothing here yet", "all": "All", "filter": "Filter",
		"save": "Save", "delete": "Delete", "yes": "yes", "no": "no", "last_error": "Last error", "members": "Members",
		"ov.users": "Users", "ov.devices": "Devices", "ov.pushes_today": "Pushes today", "ov.unanswered": "Unanswered feedback",
		"ov.projects": "Push projects (ok / paused / invalid)", "ov.pending": "Deliveries pending", "ov.retrying": "Deliveries retrying", "ov.failed": "Deliveries failed", "ov.held": "Deliveries held (project invalid)",
		"ov.outbox": "Events waiting in the outbox", "ov.oldest": "oldest",
		"push.compose": "Send a push", "push.title": "Title", "push.body": "Message", "push.scope": "Audience", "push.everyone": "Everyone",
		"push.users": "Chosen users", "push.user_ids": "User ids (comma-separated)", "push.send": "Send", "push.list": "Pushes sent",
		"push.results": "Delivered / targets", "push.failed_n": "%d failed", "push.one": "Push", "push.devices": "Per-device results",
		"push.user": "User", "push.client": "Device", "push.detail": "Detail", "push.no_devices": "No device with pushes switched on.",
		"push.status.0": "queued", "push.status.1": "sent", "push.status.2": "failed",
		"flash.push_queued": "The push is queued and going out.",
		"fb.content":        "Content", "fb.category": "Category", "fb.user": "User", "fb.one": "Feedback", "fb.reply": "Reply",
		"fb.reply_read": "Read by the user", "fb.edit_reply": "Change the reply", "fb.write_reply": "Reply", "fb.send_reply": "Send reply",
		"fb.status.0": "pending", "fb.status.1": "replied", "fb.status.2": "closed", "flash.replied": "The reply was sent.",
		"faq.title": "Title", "faq.content": "Answer", "faq.category": "Category", "faq.link": "External link", "faq.new": "New question",
		"faq.edit": "Edit question", "done.faq_saved": "The question was saved.", "done.faq_deleted": "The question was deleted.",
		"cat.new": "New category", "cat.name": "Name", "cat.description": "Description",
		"done.category_saved": "The category was saved.", "done.category_deleted": "The category was deleted.",
		"relay.url": "Push URL", "relay.name": "Project name", "relay.add": "Add push project", "relay.failures": "Failures in a row",
		"relay.status.0": "valid", "relay.status.1": "invalid", "relay.state.ok": "ok", "relay.state.paused": "paused", "relay.state.disabled": "invalid",
		"relay.paused_hint": "deliveries are paused after repeated failures; one probe at a time tests the endpoint and the queue drains once one succeeds.", "relay.failing_since": "failing since", "relay.paused_at": "Paused at", "relay.next_probe": "Next probe", "relay.disabled_at": "Disabled at", "relay.edit": "Edit project", "relay.rotate": "Rotate signing secret",
		"relay.replay_failed": "Replay all failed deliveries", "relay.deliveries": "Deliveries", "relay.event": "Event",
		"relay.attempts": "Attempts", "relay.no_deliveries": "No deliveries yet.", "relay.delivery": "Delivery", "relay.next": "Next attempt",
		"relay.replay": "Replay", "relay.attempt_log": "Attempts", "relay.at": "At", "relay.latency": "Latency",
		"relay.result": "Result", "relay.answer": "Answer body", "relay.no_attempts": "No attempt yet.", "relay.attempt_failed": "failed",
		"relay.secret_once": "The signing secret is shown only this once; store it now:", "relay.held_hint": "new events are held while the project is invalid and go out when it is valid again; replay failed deliveries then.",
		"flash.project_added": "The push project was added.", "flash.secret_rotated": "The signing secret was rotated.", "flash.replayed": "Failed deliveries replayed: %s.",
		"done.project_saved": "The project was saved.", "done.replayed": "The delivery was queued again.",
		"dl.pending": "pending", "dl.held": "held (project invalid)", "dl.succeeded": "succeeded", "dl.failed": "failed",
		"org.new": "New organisation", "org.name": "Name", "org.create": "Create", "org.issue": "Issue token", "org.label": "Label",
		"org.tokens": "Tokens", "org.hint": "Starts with", "org.issued": "Issued", "org.active": "active", "org.revoked": "revoked",
		"org.revoke": "Revoke", "org.token_once": "The token is shown only this once; hand it to the organisation now:", "flash.token_issued": "The token was issued.",
		"done.org_created": "The organisation was created.", "done.token_revoked": "The token was revoked.",
		"act.name": "Name", "act.kind": "Kind", "act.kind.signin": "sign-in wall", "act.kind.message": "message wall", "act.kind.lottery": "lottery",
		"act.collect": "Collect", "act.collect.name": "name", "act.collect.phone": "phone", "act.close_time": "Closes at",
		"act.background": "Background URL", "act.logo": "Logo URL", "act.music": "Music URL", "act.permission": "Only for authorised users of",
		"act.new": "New activity", "act.create": "Create", "act.open": "open", "act.closed": "closed", "act.edit": "Edit activity",
		"act.close": "Close activity", "act.lottery": "Lottery", "act.draw_count": "Winners to draw", "act.draw": "Draw", "act.just_drawn": "Just drawn",
		"act.winners": "Winners", "act.no_winners": "No winners yet.", "act.search": "Search", "act.meeting": "Meeting",
		"act.csv": "Export CSV", "act.member_id": "Member id", "act.nickname": "Nickname", "act.real_name": "Real name", "act.phone": "Phone",
		"act.joined": "Joined", "flash.drawn": "Winners drawn: %d.",
		"done.activity_saved": "The activity was saved.", "done.activity_closed": "The activity was closed.",
		"mt.new": "New meeting", "mt.name": "Name", "mt.create": "Create", "mt.authorise": "Authorise users", "mt.member_ids": "Member ids (comma or line separated)",
		"mt.users": "Authorised users", "mt.revoke": "Revoke",
		"done.meeting_created": "The meeting was created.", "done.meeting_deleted": "The meeting was deleted.", "done.users_authorised": "The users were authorised.", "done.user_revoked": "The user's authorisation was revoked.",
	},
}
