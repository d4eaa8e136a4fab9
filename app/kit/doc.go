// Package kit is the vocabulary every module's use cases and endpoints
// share: the generic endpoint Response (result + business error, the go-kit
// Failer convention), the requests many use cases take (IDRequest, Page,
// Empty), pages of lists, the endpoint constructors that wrap a use case
// (Unary, Command, ByID, Paged, …) and BadInput, by which a transport hands
// the guards a request it could not decode. A module writes its use cases
// and the requests of its own; it copies none of this.
package kit
