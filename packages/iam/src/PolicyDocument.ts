/**
 * IAM policy documents, decoded as boto3 decodes them. IAM returns a policy document as URL-encoded
 * JSON text; every output member whose model shape is a policy document (`AssumeRolePolicyDocument`,
 * `PolicyDocument`, `Document`, in `getRole`, `listRoles`, `getRolePolicy`, `getPolicyVersion`,
 * `getAccountAuthorizationDetails`, … and the IAMResource attributes built from them) comes back
 * parsed. Inputs taking a policy document accept the JSON text or an object, serialised before
 * sending.
 *
 * @since 0.2.0
 */
import * as internal from "./internal/policyDocument.js"

/**
 * A JSON value.
 *
 * @since 0.2.0
 * @category models
 */
export type Json = string | number | boolean | null | ReadonlyArray<Json> | { readonly [key: string]: Json }

/**
 * One statement of a policy document.
 *
 * @since 0.2.0
 * @category models
 */
export interface Statement {
  readonly Sid?: string
  readonly Effect?: string
  readonly Principal?: Json
  readonly NotPrincipal?: Json
  readonly Action?: string | ReadonlyArray<string>
  readonly NotAction?: string | ReadonlyArray<string>
  readonly Resource?: string | ReadonlyArray<string>
  readonly NotResource?: string | ReadonlyArray<string>
  readonly Condition?: { readonly [operator: string]: { readonly [key: string]: Json } }
  readonly [key: string]: unknown
}

/**
 * A policy document: the JSON object of IAM's policy grammar.
 *
 * @since 0.2.0
 * @category models
 */
export interface PolicyDocument {
  readonly Version?: string
  readonly Id?: string
  readonly Statement?: Statement | ReadonlyArray<Statement>
  readonly [key: string]: unknown
}

/**
 * What an output member holding a policy document is: the parsed document, or — as in boto3 — the
 * text itself when it is not a JSON object (IAM always sends JSON; a look-alike service may not).
 *
 * @since 0.2.0
 * @category models
 */
export type Decoded = PolicyDocument | string

type OutputMember = "AssumeRolePolicyDocument" | "PolicyDocument" | "Document"
type InputMember = "AssumeRolePolicyDocument" | "PolicyDocument" | "ResourcePolicy"
type InputListMember = "PolicyInputList" | "PermissionsBoundaryPolicyInputList"

type Scalar = string | number | boolean | bigint | Date | Uint8Array | null | undefined

type DecodedMember<A> = A extends string ? Decoded : A

/**
 * An SDK output type with its policy-document members decoded (member names are checked against
 * botocore's model when the client is generated: in IAM's outputs, these names are exactly the
 * policy documents).
 *
 * @since 0.2.0
 * @category models
 */
export type DecodedOutput<A> = A extends Scalar ? A
  : A extends ReadonlyArray<infer Item> ? Array<DecodedOutput<Item>>
  : { [K in keyof A]: K extends OutputMember ? DecodedMember<A[K]> : DecodedOutput<A[K]> }

type EncodableMember<A> = A extends string ? string | PolicyDocument : A
type EncodableList<A> = A extends ReadonlyArray<string> ? Array<string | PolicyDocument> : A

/**
 * An SDK input type whose policy-document members take the JSON text or an object.
 *
 * @since 0.2.0
 * @category models
 */
export type EncodableInput<A> = {
  [K in keyof A]: K extends InputMember ? EncodableMember<A[K]>
    : K extends InputListMember ? EncodableList<A[K]>
    : A[K]
}

/**
 * Decodes a policy document as boto3 does: URL-decoded, then parsed; text that is not a JSON
 * object is returned as it is.
 *
 * @since 0.2.0
 * @category conversions
 */
export const decode: (text: string) => Decoded = internal.decode

/**
 * The JSON text of a policy document (a string is taken as already JSON).
 *
 * @since 0.2.0
 * @category conversions
 */
export const encode: (document: string | PolicyDocument) => string = internal.encode
