// Package activity is the domain of WeChat interactive activities: the
// organisations (机构) that run them and their access tokens, activities with
// the rules for taking part (close time, meeting permission, the information
// to collect), meetings with their authorised users, activity members,
// course sign-ins synced from a course server, and lottery draws.
package activity

// Module names the activity bounded context; its events go to
// campushub.activity.v1.
const Module = "activity"
