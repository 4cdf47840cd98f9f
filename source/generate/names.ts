/**
 * Name pools for synthetic people. Common given names and surnames from several languages, so a
 * few thousand users look like a real mid-size company and collisions (two john.smiths) happen
 * at a realistic rate and get the usual numeric suffix.
 */

export const FIRST_NAMES: readonly string[] = [
	'james', 'mary', 'john', 'patricia', 'robert', 'jennifer', 'michael', 'linda', 'william', 'elizabeth',
	'david', 'barbara', 'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'charles', 'karen',
	'daniel', 'nancy', 'matthew', 'lisa', 'anthony', 'betty', 'mark', 'sandra', 'paul', 'ashley',
	'steven', 'kimberly', 'andrew', 'emily', 'kenneth', 'donna', 'joshua', 'michelle', 'kevin', 'carol',
	'brian', 'amanda', 'george', 'melissa', 'timothy', 'deborah', 'ronald', 'stephanie', 'jason', 'rebecca',
	'edward', 'laura', 'jeffrey', 'helen', 'ryan', 'sharon', 'jacob', 'cynthia', 'gary', 'kathleen',
	'nicholas', 'amy', 'eric', 'angela', 'jonathan', 'anna', 'stephen', 'ruth', 'larry', 'brenda',
	'justin', 'pamela', 'scott', 'nicole', 'brandon', 'katherine', 'benjamin', 'virginia', 'samuel', 'catherine',
	'lukas', 'julia', 'jonas', 'lea', 'felix', 'sophie', 'maximilian', 'marie', 'elias', 'hannah',
	'luca', 'giulia', 'marco', 'chiara', 'matteo', 'sofia', 'alessandro', 'francesca', 'hugo', 'camille',
	'louis', 'chloe', 'antoine', 'manon', 'pablo', 'lucia', 'javier', 'carmen', 'diego', 'elena',
	'pieter', 'sanne', 'joost', 'femke', 'lars', 'ingrid', 'erik', 'astrid', 'mikael', 'freja',
	'piotr', 'agnieszka', 'tomasz', 'katarzyna', 'jan', 'eva', 'raj', 'priya', 'arjun', 'ananya',
	'wei', 'mei', 'hiroshi', 'yuki', 'kenji', 'aiko', 'omar', 'layla', 'ahmed', 'fatima',
	'kwame', 'amara', 'tunde', 'ngozi', 'mateus', 'beatriz', 'rafael', 'gabriela', 'liam', 'aoife',
];

export const LAST_NAMES: readonly string[] = [
	'smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez', 'martinez',
	'hernandez', 'lopez', 'gonzalez', 'wilson', 'anderson', 'thomas', 'taylor', 'moore', 'jackson', 'martin',
	'lee', 'perez', 'thompson', 'white', 'harris', 'sanchez', 'clark', 'ramirez', 'lewis', 'robinson',
	'walker', 'young', 'allen', 'king', 'wright', 'scott', 'torres', 'nguyen', 'hill', 'flores',
	'green', 'adams', 'nelson', 'baker', 'hall', 'rivera', 'campbell', 'mitchell', 'carter', 'roberts',
	'mueller', 'schmidt', 'schneider', 'fischer', 'weber', 'meyer', 'wagner', 'becker', 'schulz', 'hoffmann',
	'rossi', 'russo', 'ferrari', 'esposito', 'bianchi', 'romano', 'colombo', 'ricci', 'marino', 'greco',
	'dubois', 'durand', 'lefebvre', 'moreau', 'laurent', 'simon', 'michel', 'leroy', 'roux', 'fournier',
	'dejong', 'jansen', 'devries', 'vandijk', 'bakker', 'visser', 'smit', 'meijer', 'mulder', 'bos',
	'johansson', 'andersson', 'karlsson', 'nilsson', 'eriksson', 'larsson', 'olsen', 'hansen', 'nielsen', 'berg',
	'nowak', 'kowalski', 'wisniewski', 'wojcik', 'kaminski', 'novak', 'svoboda', 'horvat', 'kovacs', 'popescu',
	'patel', 'sharma', 'singh', 'kumar', 'gupta', 'iyer', 'reddy', 'chen', 'wang', 'li',
	'zhang', 'liu', 'tanaka', 'suzuki', 'sato', 'watanabe', 'kim', 'park', 'choi', 'hassan',
	'ali', 'khan', 'ibrahim', 'mensah', 'okafor', 'adeyemi', 'silva', 'santos', 'oliveira', 'pereira',
	'costa', 'murphy', 'kelly', 'obrien', 'byrne', 'walsh', 'ryan', 'doyle', 'fitzgerald', 'quinn',
];
