package kafka_test

import (
	"crypto/rand"
	"testing"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/campushub/campushub/adapters/events/kafka"
)

// javaMurmur2 is org.apache.kafka.common.utils.Utils.murmur2, transcribed
// with Java's signed 32-bit arithmetic.
func javaMurmur2(data []byte) int32 {
	const (
		seed int32 = -1756908916 // 0x9747b28c
		m    int32 = 0x5bd1e995
		r          = 24
	)
	length := int32(len(data))
	h := seed ^ length
	length4 := length / 4
	for i := int32(0); i < length4; i++ {
		i4 := i * 4
		k := int32(data[i4]) + int32(data[i4+1])<<8 + int32(data[i4+2])<<16 + int32(data[i4+3])<<24
		k *= m
		k ^= int32(uint32(k) >> r)
		k *= m
		h *= m
		h ^= k
	}
	switch length % 4 {
	case 3:
		h ^= int32(data[(length&^3)+2]) << 16
		fallthrough
	case 2:
		h ^= int32(data[(length&^3)+1]) << 8
		fallthrough
	case 1:
		h ^= int32(data[length&^3])
		h *= m
	}
	h ^= int32(uint32(h) >> 13)
	h *= m
	h ^= int32(uint32(h) >> 15)
	return h
}

// javaPartition is the Java client's default partition for a keyed record:
// Utils.toPositive(Utils.murmur2(key)) % numPartitions.
func javaPartition(key []byte, partitions int) int {
	return int(javaMurmur2(key)&0x7fffffff) % partitions
}

func TestKafkaPartitionerAgreesWithJavaClient(t *testing.T) {
	// Hashes and partitions printed by kafka-clients 4.1.1's Utils.murmur2
	// and Utils.toPositive(hash) % n for n = 1, 3, 6, 12.
	cases := []struct {
		key        string
		hash       int32
		partitions [4]int
	}{
		{"", 275646681, [4]int{0, 0, 3, 9}},
		{"21", -973932308, [4]int{0, 0, 0, 0}},
		{"foobar", -790332482, [4]int{0, 0, 0, 6}},
		{"abc", 479470107, [4]int{0, 0, 3, 3}},
		{"a-little-bit-long-string", -985981536, [4]int{0, 2, 2, 8}},
		{"a-little-bit-longer-string", -1486304829, [4]int{0, 2, 5, 11}},
		{"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971, [4]int{0, 2, 5, 5}},
		{"acct-1", 294059390, [4]int{0, 2, 2, 2}},
		{"acct-42", -1294421753, [4]int{0, 0, 3, 3}},
		{"user:7f3c2a", -1297141434, [4]int{0, 2, 2, 2}},
		{"01J9ZQ0Q7M8N4K2V5X6Y7Z8A9B", -2049352370, [4]int{0, 0, 0, 6}},
		{"设备-12", 368600118, [4]int{0, 0, 0, 6}},
	}
	counts := [4]int{1, 3, 6, 12}
	balancer := kafka.Partitioner()
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			if got := javaMurmur2([]byte(tc.key)); got != tc.hash {
				t.Fatalf("javaMurmur2(%q) = %d, Java says %d", tc.key, got, tc.hash)
			}
			for i, n := range counts {
				got := balancer.Balance(kafkago.Message{Key: []byte(tc.key)}, seq(n)...)
				if got != tc.partitions[i] {
					t.Errorf("%d partitions: key %q → %d, Java client → %d", n, tc.key, got, tc.partitions[i])
				}
			}
		})
	}
}

func TestKafkaPartitionerAgreesWithJavaOnRandomKeys(t *testing.T) {
	balancer := kafka.Partitioner()
	for i := 0; i < 10000; i++ {
		key := make([]byte, i%40)
		_, _ = rand.Read(key)
		for _, n := range []int{1, 2, 6, 7, 50} {
			got := balancer.Balance(kafkago.Message{Key: key}, seq(n)...)
			if want := javaPartition(key, n); got != want {
				t.Fatalf("key %x, %d partitions: got %d, Java %d", key, n, got, want)
			}
		}
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
