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

// text is one message of the console in each of its languages.
type text struct{ zh, en string }

// in returns the message in lang ("zh" or "en").
func (t text) in(lang string) string {
	if lang == "zh" {
		return t.zh
	}
	return t.en
}

// messages holds every text the console shows, by key, in both languages
// at once, so no text can be missing from one of them.
var messages = map[string]text{
	"app.name":    {"campushub 控制台", "campushub console"},
	"lang.switch": {"English", "中文"},

	"nav.overview":   {"概览", "Overview"},
	"nav.pushes":     {"推送", "Pushes"},
	"nav.feedback":   {"反馈", "Feedback"},
	"nav.faq":        {"常见问题", "FAQ"},
	"nav.categories": {"反馈分类", "Categories"},
	"nav.relay":      {"微校转发", "微校 relay"},
	"nav.orgs":       {"机构", "Organisations"},
	"nav.activities": {"活动", "Activities"},
	"nav.meetings":   {"会议", "Meetings"},
	"nav.logout":     {"退出", "Sign out"},

	"who.manager": {"管理员 #%d", "Manager #%d"},

	"login.title":    {"登录", "Sign in"},
	"login.manager":  {"管理员登录", "Managers"},
	"login.org":      {"机构登录", "Organisations"},
	"login.area":     {"区号", "Area code"},
	"login.account":  {"手机号或邮箱", "Phone or e-mail"},
	"login.password": {"密码", "Password"},
	"login.token":    {"机构令牌", "Organisation token"},
	"login.submit":   {"登录", "Sign in"},
	"login.expired":  {"会话已过期，请重新登录。", "Your session has expired; please sign in again."},

	"flash.signed_out": {"已退出登录。", "You have signed out."},

	"error.title":             {"出错了", "Something went wrong"},
	"error.back":              {"返回控制台", "Back to the console"},
	"error.internal":          {"服务器内部错误（请求编号 %s），请稍后重试。", "Internal error (request %s); please try again later."},
	"error.no_page":           {"没有这个页面。", "There is no such page."},
	"error.method":            {"这个页面不接受这种请求方法。", "This page does not take this request method."},
	"error.cross_origin":      {"拒绝了来自其他网站的表单提交。", "A form sent from another site was refused."},
	"error.managers_only":     {"此页面仅限管理员。", "This page is for managers only."},
	"error.orgs_only":         {"此页面仅限机构。", "This page is for organisations only."},
	"error.user_ids_required": {"请填写至少一个用户编号。", "Enter at least one user id."},
	"error.close_time":        {"截止时间格式不正确。", "The closing time is not a valid date and time."},

	"status": {"状态", "Status"},

	"created": {"创建时间", "Created"},

	"updated": {"更新时间", "Updated"},

	"empty": {"暂无数据", "Nothing here yet"},

	"all": {"全部", "All"},

	"filter": {"筛选", "Filter"},

	"save": {"保存", "Save"},

	"delete": {"删除", "Delete"},

	"yes": {"是", "yes"},

	"no": {"否", "no"},

	"last_error": {"最近错误", "Last error"},

	"members": {"成员", "Members"},

	"ov.users":        {"用户", "Users"},
	"ov.devices":      {"设备", "Devices"},
	"ov.pushes_today": {"今日推送", "Pushes today"},
	"ov.unanswered":   {"待回复反馈", "Unanswered feedback"},
	"ov.projects":     {"推送项目（正常 / 熔断暂停 / 无效）", "Push projects (ok / paused / invalid)"},
	"ov.pending":      {"待投递", "Deliveries pending"},
	"ov.retrying":     {"重试中", "Deliveries retrying"},
	"ov.failed":       {"投递失败", "Deliveries failed"},
	"ov.held":         {"暂存（项目无效）", "Deliveries held (project invalid)"},
	"ov.outbox":       {"待发布事件", "Events waiting in the outbox"},
	"ov.oldest":       {"最早", "oldest"},

	"push.compose":    {"发送推送", "Send a push"},
	"push.title":      {"标题", "Title"},
	"push.body":       {"内容", "Message"},
	"push.scope":      {"对象", "Audience"},
	"push.everyone":   {"所有用户", "Everyone"},
	"push.users":      {"指定用户", "Chosen users"},
	"push.user_ids":   {"用户编号（逗号分隔）", "User ids (comma-separated)"},
	"push.send":       {"发送", "Send"},
	"push.list":       {"推送记录", "Pushes sent"},
	"push.results":    {"送达 / 目标", "Delivered / targets"},
	"push.failed_n":   {"失败 %d", "%d failed"},
	"push.one":        {"推送", "Push"},
	"push.devices":    {"各设备结果", "Per-device results"},
	"push.user":       {"用户", "User"},
	"push.client":     {"设备", "Device"},
	"push.detail":     {"详情", "Detail"},
	"push.no_devices": {"没有开启推送的设备。", "No device with pushes switched on."},
	"push.status.0":   {"排队中", "queued"},
	"push.status.1":   {"已发送", "sent"},
	"push.status.2":   {"失败", "failed"},

	"flash.push_queued": {"推送已排队，正在发送。", "The push is queued and going out."},

	"fb.content":     {"内容", "Content"},
	"fb.category":    {"分类", "Category"},
	"fb.user":        {"用户", "User"},
	"fb.one":         {"反馈", "Feedback"},
	"fb.reply":       {"回复", "Reply"},
	"fb.reply_read":  {"用户已读", "Read by the user"},
	"fb.edit_reply":  {"修改回复", "Change the reply"},
	"fb.write_reply": {"回复", "Reply"},
	"fb.send_reply":  {"发送回复", "Send reply"},
	"fb.status.0":    {"待处理", "pending"},
	"fb.status.1":    {"已回复", "replied"},
	"fb.status.2":    {"已关闭", "closed"},

	"flash.replied": {"回复已发送。", "The reply was sent."},

	"faq.title":    {"标题", "Title"},
	"faq.content":  {"内容", "Answer"},
	"faq.category": {"分类", "Category"},
	"faq.link":     {"外部链接", "External link"},
	"faq.new":      {"新建问题", "New question"},
	"faq.edit":     {"编辑问题", "Edit question"},

	"done.faq_saved":   {"问题已保存。", "The question was saved."},
	"done.faq_deleted": {"问题已删除。", "The question was deleted."},

	"cat.new":         {"新建分类", "New category"},
	"cat.name":        {"名称", "Name"},
	"cat.description": {"说明", "Description"},

	"done.category_saved":   {"分类已保存。", "The category was saved."},
	"done.category_deleted": {"分类已删除。", "The category was deleted."},

	"relay.url":            {"推送地址", "Push URL"},
	"relay.name":           {"项目名称", "Project name"},
	"relay.add":            {"添加推送项目", "Add push project"},
	"relay.failures":       {"连续失败", "Failures in a row"},
	"relay.status.0":       {"有效", "valid"},
	"relay.status.1":       {"无效", "invalid"},
	"relay.state.ok":       {"正常", "ok"},
	"relay.state.paused":   {"熔断暂停", "paused"},
	"relay.state.disabled": {"无效", "invalid"},
	"relay.paused_hint":    {"连续失败，投递暂停；每次只发一个探测投递，成功后恢复。", "deliveries are paused after repeated failures; one probe at a time tests the endpoint and the queue drains once one succeeds."},
	"relay.failing_since":  {"自", "failing since"},
	"relay.paused_at":      {"暂停于", "Paused at"},
	"relay.next_probe":     {"下次探测", "Next probe"},
	"relay.disabled_at":    {"停用于", "Disabled at"},
	"relay.edit":           {"编辑项目", "Edit project"},
	"relay.rotate":         {"更换签名密钥", "Rotate signing secret"},
	"relay.replay_failed":  {"重放全部失败投递", "Replay all failed deliveries"},
	"relay.deliveries":     {"投递记录", "Deliveries"},
	"relay.event":          {"事件", "Event"},
	"relay.attempts":       {"尝试次数", "Attempts"},
	"relay.no_deliveries":  {"暂无投递。", "No deliveries yet."},
	"relay.delivery":       {"投递", "Delivery"},
	"relay.next":           {"下次尝试", "Next attempt"},
	"relay.replay":         {"重放", "Replay"},
	"relay.attempt_log":    {"尝试记录", "Attempts"},
	"relay.at":             {"时间", "At"},
	"relay.latency":        {"耗时", "Latency"},
	"relay.result":         {"结果", "Result"},
	"relay.answer":         {"响应内容", "Answer body"},
	"relay.no_attempts":    {"尚无尝试。", "No attempt yet."},
	"relay.attempt_failed": {"失败", "failed"},
	"relay.secret_once":    {"签名密钥只显示这一次，请立即保存：", "The signing secret is shown only this once; store it now:"},
	"relay.held_hint":      {"项目无效期间的新事件暂存，恢复有效后自动投递；此前失败的投递可重放。", "new events are held while the project is invalid and go out when it is valid again; replay failed deliveries then."},

	"flash.project_added":  {"推送项目已添加。", "The push project was added."},
	"flash.secret_rotated": {"签名密钥已更换。", "The signing secret was rotated."},
	"flash.replayed":       {"已重放 %s 个失败投递。", "Failed deliveries replayed: %s."},

	"done.project_saved": {"项目已保存。", "The project was saved."},
	"done.replayed":      {"投递已重新排队。", "The delivery was queued again."},

	"dl.pending":   {"待投递", "pending"},
	"dl.held":      {"暂存（项目无效）", "held (project invalid)"},
	"dl.succeeded": {"成功", "succeeded"},
	"dl.failed":    {"失败", "failed"},

	"org.new":        {"新建机构", "New organisation"},
	"org.name":       {"机构名称", "Name"},
	"org.create":     {"创建", "Create"},
	"org.issue":      {"签发令牌", "Issue token"},
	"org.label":      {"备注", "Label"},
	"org.tokens":     {"令牌", "Tokens"},
	"org.hint":       {"开头", "Starts with"},
	"org.issued":     {"签发时间", "Issued"},
	"org.active":     {"有效", "active"},
	"org.revoked":    {"已吊销", "revoked"},
	"org.revoke":     {"吊销", "Revoke"},
	"org.token_once": {"令牌只显示这一次，请立即交给机构：", "The token is shown only this once; hand it to the organisation now:"},

	"flash.token_issued": {"令牌已签发。", "The token was issued."},

	"done.org_created":   {"机构已创建。", "The organisation was created."},
	"done.token_revoked": {"令牌已吊销。", "The token was revoked."},

	"act.name":          {"活动名称", "Name"},
	"act.kind":          {"类型", "Kind"},
	"act.kind.signin":   {"签到墙", "sign-in wall"},
	"act.kind.message":  {"留言墙", "message wall"},
	"act.kind.lottery":  {"抽奖", "lottery"},
	"act.collect":       {"收集信息", "Collect"},
	"act.collect.name":  {"姓名", "name"},
	"act.collect.phone": {"手机号", "phone"},
	"act.close_time":    {"截止时间", "Closes at"},
	"act.background":    {"背景图地址", "Background URL"},
	"act.logo":          {"Logo 地址", "Logo URL"},
	"act.music":         {"音乐地址", "Music URL"},
	"act.permission":    {"仅限以下会议的授权用户", "Only for authorised users of"},
	"act.new":           {"新建活动", "New activity"},
	"act.create":        {"创建", "Create"},
	"act.open":          {"进行中", "open"},
	"act.closed":        {"已关闭", "closed"},
	"act.edit":          {"编辑活动", "Edit activity"},
	"act.close":         {"关闭活动", "Close activity"},
	"act.lottery":       {"抽奖", "Lottery"},
	"act.draw_count":    {"抽取人数", "Winners to draw"},
	"act.draw":          {"抽奖", "Draw"},
	"act.just_drawn":    {"本次中奖", "Just drawn"},
	"act.winners":       {"中奖名单", "Winners"},
	"act.no_winners":    {"还没有中奖者。", "No winners yet."},
	"act.search":        {"搜索", "Search"},
	"act.meeting":       {"会议", "Meeting"},
	"act.csv":           {"导出 CSV", "Export CSV"},
	"act.member_id":     {"成员编号", "Member id"},
	"act.nickname":      {"昵称", "Nickname"},
	"act.real_name":     {"姓名", "Real name"},
	"act.phone":         {"手机号", "Phone"},
	"act.joined":        {"加入时间", "Joined"},

	"flash.drawn": {"抽出 %d 位中奖者。", "Winners drawn: %d."},

	"done.activity_saved":  {"活动已保存。", "The activity was saved."},
	"done.activity_closed": {"活动已关闭。", "The activity was closed."},

	"mt.new":        {"新建会议", "New meeting"},
	"mt.name":       {"会议名称", "Name"},
	"mt.create":     {"创建", "Create"},
	"mt.authorise":  {"授权用户", "Authorise users"},
	"mt.member_ids": {"成员编号（逗号或换行分隔）", "Member ids (comma or line separated)"},
	"mt.users":      {"已授权用户", "Authorised users"},
	"mt.revoke":     {"取消授权", "Revoke"},

	"mt.edit":               {"修改会议", "Edit meeting"},
	"mt.close":              {"关闭会议", "Close meeting"},
	"mt.open":               {"进行中", "open"},
	"mt.closed":             {"已关闭", "closed"},
	"mt.closed_hint":        {"会议已关闭：限于此会议的活动不再通过它接纳任何人，也不能再授权用户；已授权用户保留备查。", "The meeting is closed: activities limited to it admit nobody through it any more and it takes no new authorised users; its users stay listed for the record."},
	"done.meeting_renamed":  {"会议已改名。", "The meeting was renamed."},
	"done.meeting_closed":   {"会议已关闭。", "The meeting was closed."},
	"done.meeting_created":  {"会议已创建。", "The meeting was created."},
	"done.meeting_deleted":  {"会议已删除。", "The meeting was deleted."},
	"done.users_authorised": {"用户已授权。", "The users were authorised."},
	"done.user_revoked":     {"已取消授权。", "The user's authorisation was revoked."},
}
