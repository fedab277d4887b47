// Package sellerkit is the seller center's interface toolkit (应用工具): it validates and
// certifies production addresses, builds and signs debugging calls for every scenario, sends
// them and explains, check by check, whether the seller's endpoint got them right.
package sellerkit
