// Tests of the schema-table generator's core on small Go packages written like k8s.io/api's types.go.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTables, CORE_V1, firstSentence, META_V1, tableTypeName } from './build-tables.js';
import { generateTableFiles } from './generate.js';
import { newGoPackage, parseGoFile, type GoPackage } from './go-source.js';
import type { TableModulePlan } from './plan.js';

const META_GO = `package v1

// TypeMeta describes an individual object in an API response or request.
type TypeMeta struct {
	// Kind is a string value representing the REST resource this object represents.
	// Servers may infer this from the endpoint the client submits requests to.
	// +optional
	Kind string \`json:"kind,omitempty" protobuf:"bytes,1,opt,name=kind"\`

	// APIVersion defines the versioned schema of this representation of an object.
	// +optional
	APIVersion string \`json:"apiVersion,omitempty" protobuf:"bytes,2,opt,name=apiVersion"\`
}

// ObjectMeta is metadata that all persisted resources must have.
type ObjectMeta struct {
	// Name must be unique within a namespace.
	// +optional
	Name string \`json:"name,omitempty" protobuf:"bytes,1,opt,name=name"\`
	// Map of string keys and values.
	// +optional
	Labels map[string]string \`json:"labels,omitempty" protobuf:"bytes,11,rep,name=labels"\`
	// CreationTimestamp is a timestamp.
	CreationTimestamp Time \`json:"creationTimestamp,omitempty" protobuf:"bytes,8,opt,name=creationTimestamp"\`
}

// Time is a wrapper around time.Time.
type Time struct {
	time.Time \`protobuf:"-"\`
}
`;

const CORE_GO = `package v1

import (
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

/*
A block comment is no doc comment.
*/

// Protocol defines network protocols supported for things like container ports.
// +enum
type Protocol string

// ResourceList is a set of (resource name, quantity) pairs.
type ResourceList map[ResourceName]resource.Quantity

type ResourceName string

// PodTemplateSpec describes the data a pod should have when created from a template
type PodTemplateSpec struct {
	// Standard object's metadata.
	// More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata
	// +optional
	metav1.ObjectMeta \`json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"\`

	// Specification of the desired behavior of the pod. More info: https://example.com/x
	// +optional
	Spec PodSpec \`json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"\`
}

// PodSpec is a description of a pod.
type PodSpec struct {
	// List of containers belonging to the pod.
	// Containers cannot currently be added or removed.
	// +patchMergeKey=name
	// +patchStrategy=merge
	// +listType=map
	// +listMapKey=name
	Containers []Container \`json:"containers" patchStrategy:"merge" patchMergeKey:"name" protobuf:"bytes,2,rep,name=containers"\`
	// NodeSelector is a selector which must be true for the pod to fit on a node.
	// +optional
	// +mapType=atomic
	NodeSelector map[string]string \`json:"nodeSelector,omitempty" protobuf:"bytes,7,rep,name=nodeSelector"\`
}

// A single application container that you want to run within a pod.
type Container struct {
	// Name of the container specified as a DNS_LABEL.
	Name string \`json:"name" protobuf:"bytes,1,opt,name=name"\`
	// List of ports to expose from the container; not specifying a port here DOES NOT prevent that port from being exposed, for a very long time indeed, longer than anyone would like to read in one line of a table.
	// +optional
	// +listType=map
	// +listMapKey=containerPort
	// +listMapKey=protocol
	Ports []ContainerPort \`json:"ports,omitempty" patchStrategy:"merge" patchMergeKey:"containerPort" protobuf:"bytes,6,rep,name=ports"\`
	// Compute Resources required by this container.
	// +optional
	Resources ResourceList \`json:"resources,omitempty" protobuf:"bytes,8,opt,name=resources"\`
	// Secret data, base64 in JSON.
	Data []byte \`json:"data,omitempty" protobuf:"bytes,9,opt,name=data"\`
	// TODO: drop this line.
	// Probe handler, inlined.
	ProbeHandler \`json:",inline" protobuf:"bytes,1,opt,name=handler"\`
}

// ProbeHandler defines a specific action that should be taken in a probe.
type ProbeHandler struct {
	// Port to connect to.
	Port intstr.IntOrString \`json:"port" protobuf:"bytes,1,opt,name=port"\`
}

// ContainerPort represents a network port in a single container.
// +structType=atomic
type ContainerPort struct {
	// Number of port to expose on the pod's IP address.
	ContainerPort int32 \`json:"containerPort" protobuf:"varint,3,opt,name=containerPort"\`
	// Protocol for port. Must be UDP, TCP, or SCTP.
	// +optional
	// +default="TCP"
	Protocol Protocol \`json:"protocol,omitempty" protobuf:"bytes,4,opt,name=protocol,casttype=Protocol"\`
	// Number of port to expose on the host.
	// +required
	HostPort *int32 \`json:"hostPort,omitempty" protobuf:"varint,2,opt,name=hostPort"\`
}
`;

const APPS_GO = `package v1

import (
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// Deployment enables declarative updates for Pods and ReplicaSets.
type Deployment struct {
	metav1.TypeMeta \`json:",inline"\`
	// Standard object's metadata.
	// +optional
	metav1.ObjectMeta \`json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"\`
	// Specification of the desired behavior of the Deployment.
	// +optional
	Spec DeploymentSpec \`json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"\`
}

// DeploymentSpec is the specification of the desired behavior of the Deployment.
type DeploymentSpec struct {
	// Number of desired pods. This is a pointer to distinguish between explicit zero and not specified.
	Replicas *int32 \`json:"replicas,omitempty" protobuf:"varint,1,opt,name=replicas"\`
	// Template describes the pods that will be created.
	Template v1.PodTemplateSpec \`json:"template" protobuf:"bytes,3,opt,name=template"\`
	// The deployment strategy to use to replace existing pods with new ones.
	// +optional
	// +patchStrategy=retainKeys
	Strategy DeploymentStrategy \`json:"strategy,omitempty" patchStrategy:"retainKeys" protobuf:"bytes,4,opt,name=strategy"\`
}

// DeploymentStrategy describes how to replace existing pods with new ones.
type DeploymentStrategy struct {
	// Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.
	// +optional
	Type DeploymentStrategyType \`json:"type,omitempty" protobuf:"bytes,1,opt,name=type,casttype=DeploymentStrategyType"\`
}

// +enum
type DeploymentStrategyType string
`;

const APPS_REGISTER = `package v1

// GroupName is the group name use in this package
const GroupName = "apps"

func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(SchemeGroupVersion,
		&Deployment{},
	)
	return nil
}
`;

function packages(): Map<string, GoPackage> {
  const meta = newGoPackage(META_V1);
  parseGoFile(META_GO, meta, 'types.go');
  const core = newGoPackage(CORE_V1);
  parseGoFile(CORE_GO, core, 'types.go');
  parseGoFile('package v1\n\nconst GroupName = ""\n', core, 'register.go');
  const apps = newGoPackage('k8s.io/api/apps/v1');
  parseGoFile(APPS_GO, apps, 'types.go');
  parseGoFile(APPS_REGISTER, apps, 'register.go');
  return new Map([meta, core, apps].map((p) => [p.path, p]));
}

test('tableTypeName keeps core/v1 and meta/v1 names bare and qualifies the other groups by package', () => {
  assert.equal(tableTypeName(CORE_V1, 'Container'), 'Container');
  assert.equal(tableTypeName(META_V1, 'ObjectMeta'), 'ObjectMeta');
  assert.equal(tableTypeName('k8s.io/api/apps/v1', 'Deployment'), 'apps.v1.Deployment');
  assert.equal(tableTypeName('k8s.io/api/discovery/v1', 'EndpointPort'), 'discovery.v1.EndpointPort');
  assert.throws(() => tableTypeName('example.com/x/v1', 'Widget'), /no table name/);
});

test('firstSentence drops markers, TODOs, More info links and what follows ---, and cuts long sentences at a word', () => {
  assert.equal(firstSentence(['Describes pod affinity scheduling rules (e.g. co-locate this pod).', '+optional']), 'Describes pod affinity scheduling rules (e.g.');
  assert.equal(firstSentence(['KubeletConfigKey declares the key', 'This field is required.']), 'KubeletConfigKey declares the key This field is required.');
  assert.equal(firstSentence(['type for HostPath Volume', 'Defaults to ""', 'More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath']), 'type for HostPath Volume Defaults to ""');
  assert.equal(firstSentence(['More info: https://example.com/only']), 'More info: https://example.com/only');
  assert.equal(firstSentence(['TODO: fix', 'Real text.', '---', 'Hidden.']), 'Real text.');
  const long = firstSentence([`${'word '.repeat(40)}end.`]);
  assert.ok(long.length <= 160 && long.endsWith('word...'), long);
  assert.equal(firstSentence([]), '');
});

test('buildTables resolves json names, notation, required-ness, patch tags and markers from Go types', () => {
  const built = buildTables(packages(), [{ pkg: 'k8s.io/api/apps/v1', type: 'Deployment' }]);
  // Inlined structs (ProbeHandler) contribute fields, not a type of their own.
  assert.deepEqual([...built.keys()].sort(), [
    'Container', 'ContainerPort', 'ObjectMeta', 'PodSpec', 'PodTemplateSpec', 'apps.v1.Deployment', 'apps.v1.DeploymentSpec', 'apps.v1.DeploymentStrategy',
  ].sort());
  const d = built.get('apps.v1.Deployment')!.def;
  assert.equal(d.doc, 'Deployment enables declarative updates for Pods and ReplicaSets.');
  assert.deepEqual(Object.keys(d.fields), ['kind', 'apiVersion', 'metadata', 'spec'], 'TypeMeta inlined in place, ObjectMeta named by its json tag');
  assert.deepEqual(d.fields['kind'], { type: 'string', doc: 'Kind is a string value representing the REST resource this object represents.' });
  assert.deepEqual(d.fields['spec'], { type: 'apps.v1.DeploymentSpec', doc: 'Specification of the desired behavior of the Deployment.' });
  const spec = built.get('apps.v1.DeploymentSpec')!.def.fields;
  assert.deepEqual(spec['replicas'], { type: 'int32', doc: 'Number of desired pods.' });
  assert.deepEqual(spec['template'], { type: 'PodTemplateSpec', required: true, doc: 'Template describes the pods that will be created.' });
  assert.deepEqual(spec['strategy'], { type: 'apps.v1.DeploymentStrategy', patch: 'retainKeys', doc: 'The deployment strategy to use to replace existing pods with new ones.' });
  assert.deepEqual(built.get('apps.v1.DeploymentStrategy')!.def.fields['type'], { type: 'string', doc: 'Type of deployment.' });
  const pod = built.get('PodSpec')!.def.fields;
  assert.deepEqual(pod['containers'], { type: '[]Container', required: true, patch: 'merge', key: 'name', list: 'map', keys: ['name'], doc: 'List of containers belonging to the pod.' });
  assert.deepEqual(pod['nodeSelector'], { type: 'map[string]', map: 'atomic', doc: 'NodeSelector is a selector which must be true for the pod to fit on a node.' });
  const c = built.get('Container')!.def.fields;
  assert.deepEqual(Object.keys(c), ['name', 'ports', 'resources', 'data', 'port'], 'the inline ProbeHandler contributes port');
  assert.deepEqual(c['ports']?.keys, ['containerPort', 'protocol']);
  assert.ok((c['ports']?.doc ?? '').endsWith('...'));
  assert.equal(c['resources']?.type, 'map[Quantity]', 'named map types resolve to their underlying type');
  assert.equal(c['data']?.type, 'bytes');
  assert.deepEqual(c['port'], { type: 'IntOrString', required: true, doc: 'Port to connect to.' });
  const port = built.get('ContainerPort')!.def;
  assert.equal(port.struct, 'atomic');
  assert.deepEqual(port.fields['protocol'], { type: 'string', doc: 'Protocol for port.' });
  assert.equal(port.fields['hostPort']?.required, true, '+required wins over omitempty');
  assert.equal(built.get('ObjectMeta')!.def.fields['creationTimestamp']?.type, 'Time');
  assert.equal(built.get('PodTemplateSpec')!.def.fields['spec']?.doc, 'Specification of the desired behavior of the pod.');
});

test('parseGoFile rejects a struct field it cannot read', () => {
  const pkg = newGoPackage('k8s.io/api/x/v1');
  assert.throws(() => parseGoFile('type A struct {\n\tB struct {\n\t}\n}\n', pkg), /cannot read field of A/);
});

test('generateTableFiles writes modules with provenance and an index with the kinds register.go registers', () => {
  const plan: TableModulePlan[] = [
    { file: 'meta.gen.ts', exportName: 'metaT', job: 'Meta.', pkg: META_V1, roots: [] },
    { file: 'core.gen.ts', exportName: 'coreT', job: 'Core.', pkg: CORE_V1, roots: [{ pkg: CORE_V1, type: 'PodTemplateSpec' }] },
    { file: 'apps.gen.ts', exportName: 'appsT', job: 'Apps.', pkg: 'k8s.io/api/apps/v1', roots: [{ pkg: 'k8s.io/api/apps/v1', type: 'Deployment' }] },
  ];
  const pinned = { repo: 'kubernetes/api', tag: 'v0.32.0', commit: 'c0ffee' };
  const files = generateTableFiles(packages(), plan, (p) => ({ pinned, dir: p.replace(/^k8s\.io\/(api|apimachinery)\//, '') }));
  assert.deepEqual(files.map((f) => f.file), ['meta.gen.ts', 'core.gen.ts', 'apps.gen.ts', 'index.gen.ts']);
  const apps = files[2]!.text;
  assert.match(apps, /^\/\/ Apps\.\n\/\/ GENERATED by src\/apiserver\/openapi\/generate-schema-tables\.ts/);
  assert.match(apps, /Input: kubernetes\/api v0\.32\.0 \(c0ffee\) apps\/v1\/types\.go, pkg\/apis\/meta\/v1\/types\.go\./);
  assert.match(apps, /'apps\.v1\.Deployment': \{ doc: 'Deployment enables declarative updates for Pods and ReplicaSets\.', fields: \{/);
  assert.match(files[0]!.text, /  ObjectMeta: \{/, 'meta/v1 structs go to the meta module whoever reaches them');
  const index = files[3]!.text;
  assert.match(index, /'apps\/v1': \{ Deployment: 'apps\.v1\.Deployment' \},/);
  assert.doesNotMatch(index, /PodTemplateSpec:/, 'a root that register.go does not register is no kind');
  assert.throws(() => generateTableFiles(packages(), [plan[0]!, plan[2]!], () => ({ pinned, dir: '' })), /no module of their package reaches: PodTemplateSpec/);
});
